import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import type { Role } from '#app/domain/policies.ts'
import { colourFor } from '#app/utils/colour.ts'

/** Who a connection is, as the server knows it: what its awareness states say about their person. */
export interface AwarenessIdentity {
  userId: string
  name: string
  role: Role
}

type State = Record<string, unknown>

/**
 * A peer's awareness update with every state's person fields set from its authenticated identity:
 * Lexical's `name` and `color`, our `userId` (also inside `awarenessData`), `role`, and the
 * y-websocket convention `user`. Cursors and avatars read these, so a client cannot appear as someone
 * else. Removals (state null) pass as they are. Null when the update does not decode.
 */
export function stampAwareness(update: Uint8Array, who: AwarenessIdentity): Uint8Array | null {
  try {
    const decoder = decoding.createDecoder(update)
    const encoder = encoding.createEncoder()
    const count = decoding.readVarUint(decoder)
    encoding.writeVarUint(encoder, count)
    const color = colourFor(who.userId)
    const person = { userId: who.userId, name: who.name, color, role: who.role }
    for (let i = 0; i < count; i++) {
      encoding.writeVarUint(encoder, decoding.readVarUint(decoder))
      encoding.writeVarUint(encoder, decoding.readVarUint(decoder))
      const state: unknown = JSON.parse(decoding.readVarString(decoder))
      if (state === null) {
        encoding.writeVarString(encoder, 'null')
        continue
      }
      const sent: State = typeof state === 'object' && !Array.isArray(state) ? (state as State) : {}
      const data = sent.awarenessData
      const stamped: State = {
        ...sent,
        ...person,
        user: person,
        ...(data && typeof data === 'object' && !Array.isArray(data) ? { awarenessData: { ...data, userId: who.userId } } : {}),
      }
      encoding.writeVarString(encoder, JSON.stringify(stamped))
    }
    if (decoder.pos !== update.byteLength) return null
    return encoding.toUint8Array(encoder)
  } catch {
    return null
  }
}
