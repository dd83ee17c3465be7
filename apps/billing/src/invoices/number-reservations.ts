/**
 * The invoice numbers this process is about to claim, per series, so that concurrent issuers here predict different
 * numbers instead of all predicting "committed + 1" and all but one rendering a document again after losing the race.
 *
 * A reservation lives from prediction until its claim fails, or, once claimed, until the claiming transaction ends:
 * until then the counter's committed value does not show the claim. A higher number is claimed only once the lower
 * reservations have ended (waiting boundedly), because its conditional bump (`last_value = predicted - 1`) reads the
 * committed counter: run while a predecessor's bump is uncommitted, it would simply find no match. These are hints
 * only: the conditional bump in the database decides, so another process, a rollback or a timed-out wait costs a
 * render, never a wrong or a skipped number.
 */
export class NumberReservations {
  private readonly bySeries = new Map<string, Reservation[]>();

  constructor(private readonly maxWaitForPredecessorsMs = 2000) {}

  /** The next number to render: past the committed value and past every number still reserved here. */
  reserve(series: string, committed: number): Reservation {
    const list = this.bySeries.get(series) ?? [];
    this.bySeries.set(series, list);
    const highest = list.reduce((max, r) => Math.max(max, r.number), committed);
    // Only the lower reservations' promises are kept, not the reservations: under steady load a chain of reservations
    // referring to their predecessors would never become garbage.
    const reservation = new Reservation(highest + 1, list.map((r) => r.ended), () => this.drop(series, reservation));
    list.push(reservation);
    return reservation;
  }

  /** Waits until every reservation made below this one has ended, or the bound has passed. */
  async predecessorsEnded(reservation: Reservation): Promise<void> {
    const earlier = reservation.predecessorsEnded;
    if (earlier.length === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<void>((resolve) => (timer = setTimeout(resolve, this.maxWaitForPredecessorsMs)));
    await Promise.race([Promise.all(earlier), bound]);
    clearTimeout(timer);
  }

  /** Numbers reserved and not yet released, per series (for tests and diagnostics). */
  reserved(series: string): number[] {
    return (this.bySeries.get(series) ?? []).map((r) => r.number);
  }

  private drop(series: string, reservation: Reservation): void {
    const list = this.bySeries.get(series);
    if (!list) return;
    const i = list.indexOf(reservation);
    if (i >= 0) list.splice(i, 1);
    if (list.length === 0) this.bySeries.delete(series);
  }
}

export class Reservation {
  /** Settles (never rejects) when the reservation is released. */
  readonly ended: Promise<void>;
  private settle!: () => void;
  private released = false;

  constructor(
    readonly number: number,
    /** The reservations below this one when it was made, as their `ended` promises. */
    readonly predecessorsEnded: readonly Promise<void>[],
    private readonly onRelease: () => void,
  ) {
    this.ended = new Promise<void>((resolve) => (this.settle = resolve));
  }

  /** The number is no longer this process's to skip: its claim failed, or the claiming transaction ended. */
  release(): void {
    if (this.released) return;
    this.released = true;
    this.settle();
    this.onRelease();
  }
}
