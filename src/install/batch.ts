// Applies the manifests of services that become ready to install at the same moment in one `kubectl apply`:
// fewer kubectl processes on a laptop, the same result.
import type { KubeObject } from '../platform/index.js';

export class ApplyBatcher {
  private pending: { objects: KubeObject[]; resolve(): void; reject(e: unknown): void }[] = [];
  private scheduled = false;

  constructor(private readonly apply: (objects: KubeObject[]) => Promise<unknown>) {}

  /** Resolves once these objects were applied (with whatever else was submitted in the same turn). */
  submit(objects: readonly KubeObject[]): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ objects: [...objects], resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        // Everything submitted before the event loop turns (services whose dependencies got ready in the same
        // look at the namespace) goes in one call.
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    const batch = this.pending.splice(0);
    this.scheduled = false;
    try {
      await this.apply(batch.flatMap((b) => b.objects));
      for (const b of batch) b.resolve();
    } catch (error) {
      for (const b of batch) b.reject(error);
    }
  }
}
