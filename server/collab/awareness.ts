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

/** The client ids an awareness update talks about, or null when it does not decode. */
export function awarenessClientIds(update: Uint8Array): number[] | null {
  try {
    // Same layout as y-protocols' encodeAwarenessUpdate: count, then (client, clock, json) each.
    const view = new DataView(update.buffer, update.byteOffset, update.byteLength)
    let pos = 0
    const readVarUint = () => {
      let num = 0
      let mult = 1
      for (;;) {
        if (pos >= view.byteLength) throw new Error('truncated')
        const byte = view.getUint8(pos++)
        num += (byte & 0x7f) * mult
        if (byte < 0x80) return num
        mult *= 128
        if (mult > 2 ** 53) throw new Error('too long')
      }
    }
    const count = readVarUint()
    const ids: number[] = []
    for (let i = 0; i < count; i++) {
      ids.push(readVarUint())
      readVarUint()
      const len = readVarUint()
      if (pos + len > view.byteLength) throw new Error('truncated')
      pos += len
    }
    return ids
  } catch {
    return null
  }
}
