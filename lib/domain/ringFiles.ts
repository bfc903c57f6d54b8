/**
 * Which ring files hold a time window. Azure documents neither the names nor the rollover of
 * continuous-capture files, so nothing here parses a name: files are ordered by the time their
 * blob was last written (a ring file is written until it rolls over), and each file is taken to
 * span from the previous file's last write (or the capture's start) to its own. Pure.
 */

/** One blob under a continuous capture's storage path, as listed. */
export interface RingBlob {
  /** Full blob URL, as `storageLocation.storagePath` names blobs. */
  url: string;
  sizeBytes: number;
  /** ISO time of the blob's last write. */
  lastModified: string;
}

/** A ring file with the time span it is estimated to cover. */
export interface RingFile extends RingBlob {
  from: string;
  to: string;
}

/**
 * Oldest first, each spanning from its predecessor's last write. The oldest file's predecessor is
 * the capture's start, unless the ring has wrapped and overwritten it: so its span is taken as no
 * longer than the longest span of the others (files of one size fill at a similar pace).
 */
export function ringSpans(blobs: RingBlob[], captureStart: Date): RingFile[] {
  const ordered = [...blobs].sort(
    (a, b) => Date.parse(a.lastModified) - Date.parse(b.lastModified) || a.url.localeCompare(b.url),
  );
  const writes = ordered.map((b) => Date.parse(b.lastModified));
  const longest = Math.max(0, ...writes.slice(1).map((t, i) => t - writes[i]!));
  return ordered.map((blob, i) => {
    const to = writes[i]!;
    const earliest =
      longest > 0 ? Math.max(captureStart.getTime(), to - longest) : captureStart.getTime();
    const from = i > 0 ? writes[i - 1]! : Math.min(to, earliest);
    return { ...blob, from: new Date(from).toISOString(), to: blob.lastModified };
  });
}

/** The files overlapping [from, to], oldest first. */
export function filesOverlapping(files: RingFile[], from: Date, to: Date): RingFile[] {
  return files.filter(
    (f) => Date.parse(f.to) >= from.getTime() && Date.parse(f.from) <= to.getTime(),
  );
}

/** What a ring currently holds: the time it reaches back to and the bytes stored. */
export interface RingHolding {
  files: number;
  bytes: number;
  /** Start of the oldest file held; undefined when nothing has been written yet. */
  oldest?: string;
  newest?: string;
}

export function ringHolding(files: RingFile[]): RingHolding {
  return {
    files: files.length,
    bytes: files.reduce((sum, f) => sum + f.sizeBytes, 0),
    ...(files.length > 0 && { oldest: files[0]!.from, newest: files.at(-1)!.to }),
  };
}
