// Mentions in a chat message ("hi @ann"), resolved to the members of the room.
// Written in TypeScript and compiled to dist/mentions.js with a source map
// (`node examples/chat-server/build.mjs`), so the monitor's source-map mapping has a
// real compiled frame to map back to this file.

export interface Member {
  readonly user: string;
}

const MENTION = /@([A-Za-z0-9_.-]{1,64})/g;

/**
 * The users a message mentions. BUG (kept on purpose for the `errors` load scenario):
 * a mention of someone who is not in the room is looked up with a non-null assertion,
 * so it throws `TypeError: Cannot read properties of undefined (reading 'user')`.
 */
export function resolveMentions(text: string, membersByName: ReadonlyMap<string, Member>): string[] {
  const users: string[] = [];
  for (const m of text.matchAll(MENTION)) {
    const member = membersByName.get(m[1]!);
    users.push(member!.user);
  }
  return users;
}
