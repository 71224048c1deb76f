/*
 * V8 flags for the core host process. A full reconcile run at 1M sales keeps ~100-400 MB alive (the
 * days in its window and the run-wide claimed set: 93 MB after a forced collection mid-run), but each
 * day's matching makes hundreds of MB of objects that outlive a few young-generation collections (they
 * live for the whole day), and on a machine with RAM to spare V8 let the old generation grow past 1 GB
 * before collecting it: the full run peaked at 2.9 GiB RSS. Capped, V8 collects sooner. Eight days of
 * matching at 1M sales (2026-02-24..03-03): peak RSS 1,446 MiB uncapped, 908 MiB at 1024, 759 MiB at
 * 600; CPU 27.2, 32.9 and 24.0 s, within the noise of a loaded machine. 1 GiB leaves the largest live
 * set measured a margin; the export runs in a worker thread with limits of its own.
 */
export const HOST_EXEC_ARGV: readonly string[] = ['--max-old-space-size=1024'];
