import { problem } from '#app/utils/http.server.ts'

/** Unknown API paths answer problem+json 404, not the HTML app. */
export const loader = () => problem(404, 'No such API endpoint')
export const action = () => problem(404, 'No such API endpoint')
