// The subset of sanitize-html's options this app uses (the package ships no types; @types/sanitize-html
// is a second package, and this is all we call).
declare module 'sanitize-html' {
  export interface IOptions {
    allowedTags: string[]
    allowedAttributes: Record<string, string[]>
    allowedClasses?: Record<string, string[]>
    allowedSchemes: string[]
    allowedSchemesByTag?: Record<string, string[]>
    allowedSchemesAppliedToAttributes?: string[]
    allowProtocolRelative: boolean
    disallowedTagsMode: 'discard' | 'escape' | 'recursiveEscape'
    enforceHtmlBoundary?: boolean
    parseStyleAttributes?: boolean
  }
  function sanitizeHtml(dirty: string, options: IOptions): string
  export default sanitizeHtml
}
