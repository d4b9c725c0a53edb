/**
 * Reads of the same thing asked for while one is under way share it: a thousand walls subscribing
 * to the group after a restart, or one client repeating `subscribe`, cost one snapshot per room
 * at a time rather than one each.
 */
export function sharedReads<T>(read: (key: string) => Promise<T>): (key: string) => Promise<T> {
  const underWay = new Map<string, Promise<T>>();
  return (key) => {
    let p = underWay.get(key);
    if (!p) {
      p = read(key).finally(() => underWay.delete(key));
      underWay.set(key, p);
    }
    return p;
  };
}
