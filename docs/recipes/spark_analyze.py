#!/usr/bin/env python3
"""tracetriage analyze over many trace files on Apache Spark (docs/scale-out.md). NOT RUN IN CI.

Spark cannot be installed on the machine this project is built on, so this recipe is written to
the same contract the Dask recipe (dask_analyze.py, tested) runs, and checked only by reading.

    spark-submit --archives node-v20-linux-x64.tar.gz#node,tracetriage.tgz#tt \\
        spark_analyze.py --out result.json --format json /mnt/traces/

`--archives` unpacks Node and the packed tracetriage (npm pack) in each executor's working
directory as ./node and ./tt. The inputs must be paths every executor can read (a shared or
mounted file system): digest reads local paths only.
"""
import argparse
import itertools
import json
import os
import subprocess
import sys

TOOL = ["./node/bin/node", "./tt/package/dist/cli/main.js"]
ENV = {"PATH": "/usr/bin:/bin", "NO_COLOR": "1", "LANG": "C.UTF-8"}
CONTEXT_PREFIX = '{"bucket":-1,'


def digest_partition(index, paths, buckets, rules):
    """Step 1, one task per partition; the partition index is the task number (inputs in order)."""
    paths = list(paths)
    if not paths:
        return iter(())
    done = subprocess.run(TOOL + ["digest", "--paths-from", "-", "--task", str(index), "--buckets", str(buckets), *rules],
                          input="\n".join(paths).encode(), capture_output=True, env=ENV, check=False)
    if done.returncode not in (0, 1):
        raise RuntimeError(f"digest failed (exit {done.returncode}): {done.stderr.decode(errors='replace')}")
    return iter(done.stdout.decode().splitlines())


def main(argv=None):
    from pyspark.sql import SparkSession

    parser = argparse.ArgumentParser()
    parser.add_argument("inputs", nargs="+")
    parser.add_argument("--tasks", type=int, default=64)
    parser.add_argument("--partitions", type=int, default=16)
    parser.add_argument("--buckets", type=int, default=1024)
    parser.add_argument("--rule", action="append", default=[])
    parser.add_argument("--format", default="text")
    parser.add_argument("--work-dir", default="tracetriage-work")
    parser.add_argument("--out")
    args = parser.parse_args(argv)
    rules = [f"--rule={r}" for r in args.rule]

    spark = SparkSession.builder.appName("tracetriage").getOrCreate()
    sc = spark.sparkContext
    files = sorted(os.path.join(root, n) for item in args.inputs for root, _, names in os.walk(item) for n in names) \
        if all(os.path.isdir(i) for i in args.inputs) else args.inputs
    lines = sc.parallelize(files, args.tasks).mapPartitionsWithIndex(lambda i, it: digest_partition(i, it, args.buckets, rules)).cache()

    os.makedirs(args.work_dir, exist_ok=True)
    context_lines = lines.filter(lambda l: l.startswith(CONTEXT_PREFIX)).collect()
    context = os.path.abspath(os.path.join(args.work_dir, "context.jsonl"))
    with open(context, "w") as f:
        f.writelines(line + "\n" for line in context_lines)
    shared = sc.broadcast([l for l in context_lines if '"kind":"page"' in l or '"kind":"documents"' in l])

    # Step 2: route by the integer bucket (a range per partition), sort by (bucket, session) in each,
    # put the context lines first (bucket -1: pages and documents, which the session rules need),
    # and pipe each partition to reduce. checkCode=True fails the stage on a non-zero exit; exit 1
    # (problems named on stderr, the part still written) is turned into 0 by the shell wrapper.
    parts = args.partitions
    keyed = lines.filter(lambda l: not l.startswith(CONTEXT_PREFIX)).map(lambda l: ((json.loads(l)["bucket"], json.loads(l)["session"] or ""), l))
    ordered = keyed.repartitionAndSortWithinPartitions(numPartitions=parts, partitionFunc=lambda key: key[0] * parts // args.buckets).values()
    with_context = ordered.mapPartitions(lambda it: itertools.chain(shared.value, it))
    reduce_cmd = " ".join(TOOL + ["reduce", *rules])
    partial = with_context.pipe(f"sh -c '{reduce_cmd}; s=$?; [ $s -le 1 ]'", env=ENV, checkCode=True)

    # Each partition's output is one part: keep the lines of a partition together, in order.
    part_dir = os.path.join(args.work_dir, "parts")
    partial.saveAsTextFile(part_dir)
    paths = sorted(os.path.join(part_dir, n) for n in os.listdir(part_dir) if n.startswith("part-"))
    merge = ["node", os.path.join("tt", "package", "dist", "cli", "main.js")] if os.path.exists("tt") else ["tracetriage"]
    command = merge + ["merge", *paths, "--context", context, "--format", args.format, *rules] + (["-o", args.out] if args.out else [])
    return subprocess.run(command, check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
