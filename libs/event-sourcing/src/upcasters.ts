/**
 * Old event shapes are upgraded on read, never rewritten in the store. An upcaster turns (type, version N) data into
 * version N+1; they chain until no upcaster matches.
 */
export type Upcaster = (data: unknown) => unknown;

export class Upcasters {
  private readonly byKey = new Map<string, Upcaster>();

  register(eventType: string, fromVersion: number, upcaster: Upcaster): this {
    this.byKey.set(`${eventType}@${fromVersion}`, upcaster);
    return this;
  }

  upcast(eventType: string, schemaVersion: number, data: unknown): { schemaVersion: number; data: unknown } {
    let version = schemaVersion;
    let current = data;
    for (let fn = this.byKey.get(`${eventType}@${version}`); fn; fn = this.byKey.get(`${eventType}@${version}`)) {
      current = fn(current);
      version += 1;
    }
    return { schemaVersion: version, data: current };
  }
}
