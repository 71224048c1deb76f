/*
 * V8 flags for the core host process. A full reconcile run at 1M sales keeps ~100-400 MB alive (the
 * days in its window and the run-wide claimed set: 93 MB after a forced collection mid-run), but each
 * day's matching makes hundreds of MB of objects that outlive a few young-generation collections (they
 * live for the whole day), and on a machine with RAM to spare V8 let the old generation grow past 1 GB
 * before collecting it: the full run peaked at 2.9 GiB RSS. Capped, V8 collects sooner; a 32 MB
 * semi-space (V8 picks 64 MB on a large machine) keeps less of each day in the young generation.
 * Eight days of matching at 1M sales (2026-02-24..03-03), peak RSS and CPU under load 3-6: uncapped
 * 1,446 MiB 27.2 s; old space 1024: 818-908 MiB 28.0-32.9 s; 1024 and semi-space 32: 667 MiB 28.9 s
 * (600 alone: 759 MiB 24.0 s). 1 GiB leaves the largest live set measured a wide margin; the export
 * runs in a worker thread with limits of its own.
 */
export const HOST_EXEC_ARGV: readonly string[] = ['--max-old-space-size=1024', '--max-semi-space-size=32'];
