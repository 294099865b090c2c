/**
 * Readers run together; a writer (an open transaction) waits for readers to finish and holds new ones
 * back. Reads share the REST session with the transaction, and inside a transaction SPS shows the staged
 * view, so a refresh must never read while a transaction is open (our choice).
 */
export class ReadWriteLock {
  private readers = 0;
  private writer = false;
  private queue: { write: boolean; go: () => void }[] = [];

  async read<T>(fn: () => Promise<T>): Promise<T> {
    await this.acquire(false);
    try {
      return await fn();
    } finally {
      this.readers--;
      this.drain();
    }
  }

  async write<T>(fn: () => Promise<T>): Promise<T> {
    await this.acquire(true);
    try {
      return await fn();
    } finally {
      this.writer = false;
      this.drain();
    }
  }

  private acquire(write: boolean): Promise<void> {
    return new Promise((go) => {
      this.queue.push({ write, go });
      this.drain();
    });
  }

  private drain(): void {
    while (this.queue.length && !this.writer) {
      const next = this.queue[0];
      if (next.write) {
        if (this.readers > 0) return;
        this.writer = true;
      } else {
        this.readers++;
      }
      this.queue.shift();
      next.go();
    }
  }
}
