'use strict';
// Who is in which room. A connection is in at most one room at a time; joining
// another room leaves the previous one.

/** Room and user names: short and plain, because rooms become metric labels. */
const { resolveMentions } = require('./dist/mentions');

const NAME_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;

/** Rooms are label values, so their number is capped to keep the metrics bounded. */
const MAX_ROOMS = 100;

function createChatRooms() {
  /** @type {Map<string, Set<object>>} */
  const rooms = new Map();
  /** @type {Map<object, {room: string, user: string}>} */
  const memberships = new Map();

  function leave(client) {
    const m = memberships.get(client);
    if (!m) return undefined;
    memberships.delete(client);
    const members = rooms.get(m.room);
    if (members) {
      members.delete(client);
      if (members.size === 0) rooms.delete(m.room);
    }
    return m;
  }

  return {
    /**
     * @returns {{ok: true} | {ok: false, error: string}} error is one sentence for the client
     */
    join(client, room, user) {
      if (typeof room !== 'string' || !NAME_PATTERN.test(room)) {
        return { ok: false, error: 'A join needs "room": 1-64 letters, digits, "_", "-" or ".".' };
      }
      if (typeof user !== 'string' || !NAME_PATTERN.test(user)) {
        return { ok: false, error: 'A join needs "user": 1-64 letters, digits, "_", "-" or ".".' };
      }
      if (!rooms.has(room) && rooms.size >= MAX_ROOMS) {
        return { ok: false, error: `This server allows at most ${MAX_ROOMS} rooms; join an existing one.` };
      }
      leave(client);
      memberships.set(client, { room, user });
      let members = rooms.get(room);
      if (!members) { members = new Set(); rooms.set(room, members); }
      members.add(client);
      return { ok: true };
    },
    /** @returns {{room: string, user: string} | undefined} what the client left */
    leave,
    /** @returns {{room: string, user: string} | undefined} */
    membershipOf(client) { return memberships.get(client); },
    /** @returns {Iterable<object>} the clients in the room (empty when none) */
    membersOf(room) { return rooms.get(room) ?? []; },
    userCount() { return memberships.size; },
    /** @returns {string[]} the users of the client's room that `text` mentions (@name) */
    mentionsIn(client, text) {
      const m = memberships.get(client);
      const byName = new Map();
      for (const member of m ? rooms.get(m.room) ?? [] : []) {
        const mm = memberships.get(member);
        if (mm) byName.set(mm.user, mm);
      }
      return resolveMentions(text, byName);
    },
    /** @returns {Map<string, number>} users per non-empty room */
    usersByRoom() {
      const out = new Map();
      for (const [room, members] of rooms) out.set(room, members.size);
      return out;
    },
  };
}

module.exports = { createChatRooms, NAME_PATTERN, MAX_ROOMS };
