import { createContext, useContext } from 'react'

/** The CSP nonce of this response; on the client the attribute is read back from the DOM. */
export const NonceContext = createContext('')
export const useNonce = () => useContext(NonceContext)
