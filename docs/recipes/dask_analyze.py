#!/usr/bin/env python3
"""tracetriage analyze over many trace files on a Dask cluster (docs/scale-out.md).

    python3 dask_analyze.py --tool 'tracetriage' --out result.json --format json <files or dirs...>

Three steps, each a tracetriage command run as a subprocess with an explicit environment:
  1. map:    `tracetriage digest --paths-from - --task N` on each batch of files (tasks numbered in
             file order, so that of two copies of a trace the first one read stands, as in analyze);
  2. reduce: the digest lines routed by their integer `bucket` (never by hashing the session string:
             Dask's per-process string hashing would split a session, dask/distributed#4141), sorted
             by bucket then session in each partition, and piped to `tracetriage reduce`;
  3. merge:  `tracetriage merge` of the parts, with the digests' lines of bucket -1 as --context.
The result is what `tracetriage analyze` prints over the same files, in any --format it takes.

Without --scheduler it starts a LocalCluster of --workers processes on this machine.
"""
import argparse
import contextlib
import json
import os
import shlex
import subprocess
import sys
import tempfile

# Exit statuses of a tracetriage step that still wrote its output: 0 clean, 1 findings or
# rejected records (named on its stderr, which is passed on). 2 is a failed step.
WROTE = (0, 1)
CONTEXT_PREFIX = b'{"bucket":-1,'


def step_env():
    """What each step runs with: this environment, no colour, no progress bar."""
    env = dict(os.environ)
    env["NO_COLOR"] = "1"
    return env


def run_step(tool, args, stdin):
    done = subprocess.run(shlex.split(tool) + args, input=stdin, capture_output=True, env=step_env(), check=False)
    if done.returncode not in WROTE:
        raise RuntimeError(f"{' '.join(args[:1])} failed (exit {done.returncode}): {done.stderr.decode(errors='replace')}")
    return done.stdout, done.stderr.decode(errors="replace")


def digest_task(task, paths, tool, buckets, extra):
    """Step 1 for one batch: its digest lines, and what the step said on stderr."""
    out, err = run_step(tool, ["digest", "--paths-from", "-", "--task", str(task), "--buckets", str(buckets), *extra], "\n".join(paths).encode())
    return {"lines": out.splitlines(), "stderr": err}


def sort_key(line):
    """Bucket, then session: the order reduce takes (it groups a session's lines; it orders the turns itself)."""
    value = json.loads(line)
    return (value["bucket"], value["session"] is not None, value["session"] or "")


def reduce_part(part, lines, tool, context_path, out_dir, extra):
    """Step 2 for one partition: its lines sorted and piped to reduce; the part's file path."""
    lines = sorted(lines, key=sort_key)
    out, err = run_step(tool, ["reduce", "--context", context_path, *extra], b"\n".join(lines) + b"\n")
    path = os.path.join(out_dir, f"part-{part:05d}.jsonl")
    with open(path, "wb") as f:
        f.write(out)
    return {"path": path, "stderr": err}


def expand(inputs):
    """Files of the inputs, directories walked, in sorted order (as analyze reads a directory)."""
    files = []
    for item in inputs:
        if os.path.isdir(item):
            for root, dirs, names in os.walk(item):
                dirs.sort()
                files.extend(os.path.join(root, n) for n in sorted(names))
        else:
            files.append(item)
    return files


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("inputs", nargs="+")
    parser.add_argument("--tool", default="tracetriage", help="how to run tracetriage on the workers (e.g. 'node /opt/tracetriage/dist/cli/main.js')")
    parser.add_argument("--scheduler", help="address of a running Dask scheduler (default: a LocalCluster)")
    parser.add_argument("--workers", type=int, default=2, help="worker processes of the LocalCluster")
    parser.add_argument("--files-per-task", type=int, default=20)
    parser.add_argument("--partitions", type=int, default=4, help="reduce partitions (bucket ranges)")
    parser.add_argument("--buckets", type=int, default=1024)
    parser.add_argument("--rule", action="append", default=[], help="as analyze --rule; given to every step")
    parser.add_argument("--format", default="text")
    parser.add_argument("--fail-on", default="error")
    parser.add_argument("--work-dir", help="where the parts go (shared by the workers on a real cluster; default: a temporary directory)")
    parser.add_argument("--out", help="write the merged output here (default: stdout)")
    args = parser.parse_args(argv)

    import dask.bag as db
    from dask.distributed import Client, LocalCluster

    rules = [f"--rule={r}" for r in args.rule]
    files = expand(args.inputs)
    batches = [files[i:i + args.files_per_task] for i in range(0, len(files), args.files_per_task)]
    work = args.work_dir or tempfile.mkdtemp(prefix="tracetriage-dask-")
    with contextlib.ExitStack() as stack:
        cluster = args.scheduler or stack.enter_context(LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True, dashboard_address=None))
        client = stack.enter_context(Client(cluster))
        digests = client.gather(client.map(digest_task, range(len(batches)), batches, tool=args.tool, buckets=args.buckets, extra=rules, pure=False))
        for d in digests:
            sys.stderr.write(d["stderr"])
        context_path = os.path.join(work, "context.jsonl")
        with open(context_path, "wb") as f:
            for d in digests:
                for line in d["lines"]:
                    if line.startswith(CONTEXT_PREFIX):
                        f.write(line + b"\n")
        traces = db.from_sequence([line for d in digests for line in d["lines"] if not line.startswith(CONTEXT_PREFIX)], npartitions=max(1, len(batches)))
        parts = args.partitions
        # Route by the integer bucket: a bucket range per partition, the same on every worker.
        groups = traces.groupby(lambda line: int(line[len(b'{"bucket":'):line.index(b",")]) * parts // args.buckets, npartitions=parts, shuffle="tasks")
        reduced = groups.map(lambda g: reduce_part(g[0], g[1], args.tool, context_path, work, rules)).compute()
        for r in reduced:
            sys.stderr.write(r["stderr"])
    paths = sorted(r["path"] for r in reduced)
    merge = shlex.split(args.tool) + ["merge", *paths, "--context", context_path, "--format", args.format, "--fail-on", args.fail_on, *rules]
    if args.out:
        merge += ["-o", args.out]
    done = subprocess.run(merge, env=step_env(), check=False)
    return done.returncode


if __name__ == "__main__":
    sys.exit(main())
