/**
 * A FIFO queue with O(1) push and shift: records waiting for buffer memory can number in the
 * hundreds of thousands, where `Array.prototype.shift` would be O(n) per call.
 */
export class WaitingQueue<T> {
  private items: Array<T | undefined> = []
  private head = 0

  get length(): number {
    return this.items.length - this.head
  }

  push(item: T): void {
    this.items.push(item)
  }

  /** The first item, without removing it. */
  peek(): T | undefined {
    return this.items[this.head]
  }

  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined
    const item = this.items[this.head]
    this.items[this.head++] = undefined
    // Compact once the consumed prefix dominates, keeping shifts amortised O(1).
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head)
      this.head = 0
    }
    return item
  }

  /** Removes every item for which `keep` returns false, preserving order. */
  filter(keep: (item: T) => boolean): void {
    const next: Array<T | undefined> = []
    for (let i = this.head; i < this.items.length; i++) {
      const item = this.items[i] as T
      if (keep(item)) next.push(item)
    }
    this.items = next
    this.head = 0
  }

  /** Removes and returns every item. */
  drain(): T[] {
    const out = this.items.slice(this.head) as T[]
    this.items = []
    this.head = 0
    return out
  }
}
