"""Two revisions of the service side by side: a change judged by paired rounds, not two runs.

    python -m bench.paired REV [--endpoint prediction] [--rounds 8] [--seconds 3]

The harness's database, prepared afresh as `python -m bench` does; the working tree and REV
(checked out in a temporary git worktree, with the working tree's compiled catalogues) each
served by gunicorn with the image's command and config; wrk at 16 connections on one endpoint
(the names of `bench.profile`), both revisions in each round, which goes first alternating.
This machine's speed drifts by tens of percent over minutes, two runs seconds apart far less:
the median of the rounds' ratios (working tree / REV) is what a change is worth. REV must have
the working tree's migrations.
"""

import argparse
import shutil
import statistics
import subprocess
import tempfile
from pathlib import Path

from bench.profile import ENDPOINTS
from bench.runner import ROOT, environment, free_port, gunicorn_start, prepare, wrk

CONNECTIONS = 16


def worktree_add(revision: str) -> Path:
    tree = Path(tempfile.mkdtemp(prefix="bench-paired-"))
    subprocess.run(
        ["git", "worktree", "add", "--detach", "--force", str(tree), revision],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    for catalogue in (ROOT / "locale").glob("*/LC_MESSAGES/django.mo"):
        shutil.copy(catalogue, tree / catalogue.relative_to(ROOT))
    return tree


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("revision", help="what the working tree is compared with (HEAD~1, a sha)")
    parser.add_argument("--endpoint", choices=ENDPOINTS, default="prediction")
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--seconds", type=int, default=3, help="per wrk run")
    options = parser.parse_args()
    path, body = ENDPOINTS[options.endpoint]
    method = "GET" if body is None else "POST"
    env = environment(free_port())
    print("Preparing the database, the demo data and a production model...", flush=True)
    token, _ = prepare(env)
    tree = worktree_add(options.revision)
    # Each server its own metrics directory: gunicorn.conf.py empties it at start.
    servers = {
        label: (
            {
                **env,
                "PORT": str(free_port()),
                "PROMETHEUS_MULTIPROC_DIR": tempfile.mkdtemp(prefix="bench-paired-prometheus-"),
            },
            root,
        )
        for label, root in (("working tree", ROOT), (options.revision, tree))
    }
    started = [gunicorn_start(server_env, root=root) for server_env, root in servers.values()]
    try:
        throughputs: dict[str, list[float]] = {label: [] for label in servers}
        order = list(servers)
        for _ in range(options.rounds + 1):  # the first round warms both and is not counted
            for label in order:
                url = f"http://127.0.0.1:{servers[label][0]['PORT']}{path}"
                run = wrk(url, method, body, token, CONNECTIONS, options.seconds)
                if run["errors"]:  # a refusal answers fast: its speed says nothing
                    raise SystemExit(
                        f"{label} answered {run['errors']} errors on {options.endpoint}: "
                        "its rounds cannot be compared (a permission or schema it lacks?)"
                    )
                throughputs[label].append(run["rps"])
            order.reverse()
    finally:
        for server in started:
            server.terminate()
            server.wait(timeout=30)
        subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=ROOT, check=True)
    ours, theirs = (throughputs[label][1:] for label in servers)
    ratios = [new / old for new, old in zip(ours, theirs, strict=True)]
    print(f"{options.endpoint}, {CONNECTIONS} connections, req/s per round:")
    print(f"  working tree  {' '.join(f'{rps:6.0f}' for rps in ours)}")
    print(f"  {options.revision:<12}  {' '.join(f'{rps:6.0f}' for rps in theirs)}")
    print(
        f"working tree / {options.revision}: median x{statistics.median(ratios):.3f} "
        f"(rounds from x{min(ratios):.3f} to x{max(ratios):.3f})"
    )


if __name__ == "__main__":
    main()
