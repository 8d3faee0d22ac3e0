"""Benchmark of hostile inputs (issue 10): how long refusing or building each one takes.

    python bench/hostile.py            # YAML bombs, Markdown pathologies, the corpus
    python bench/hostile.py --series   # also the post-length series of unbreakable text

YAML: time to refuse each bomb (it should be milliseconds). Markdown: time to render
pathological posts (n² link-bracket scans once took minutes). Corpus: wall time of
each case of tests/hostile/test_corpus.py, built in this process beside a good thread.
The series builds one post of n characters of `[` and of `<`, to show that the time
grows linearly with n. Nothing here asserts; CI runs the tests, this measures.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from generator.config.yamlsource import YamlSyntaxError, load_located_yaml  # noqa: E402
from generator.content.markdown import new_markdown, render_post  # noqa: E402


def _bomb(levels: int) -> str:
    return "".join(f"l{n}: &l{n} [{', '.join([f'*l{n - 1}'] * 9) if n else ', '.join(['lol'] * 9)}]\n" for n in range(levels))


YAML_CASES = {
    "billion laughs (9 levels)": _bomb(9),
    "recursive alias": "a: &a [1, *a]\n",
    "100,000 nested brackets": "a: " + "[" * 100_000 + "]" * 100_000,
    "5,000-digit number": "n: " + "9" * 5000,
    "256 KiB of keys": "".join(f"k{n}: v\n" for n in range(40_000)),
}
MARKDOWN_CASES = {
    "20,000 [": "[" * 20_000,
    "10,000 [ then ]": "[" * 10_000 + "]" * 10_000,
    "50,000 <": "<" * 50_000,
    "2,000 links": "[a](http://x.y) " * 2_000,
    "nested brackets in links": "[[[[a]]]](http://x) " * 2_000,
}


def bench_yaml() -> None:
    print("YAML (refused or loaded)")
    for name, text in YAML_CASES.items():
        started = time.perf_counter()
        try:
            load_located_yaml(text, "bench.yaml")
            outcome = "loaded"
        except YamlSyntaxError as error:
            outcome = error.diagnostic.message[:60]
        print(f"  {name:<28} {1000 * (time.perf_counter() - started):8.1f} ms  {outcome}")


def bench_markdown() -> None:
    print("Markdown (render one post)")
    md = new_markdown()
    for name, text in MARKDOWN_CASES.items():
        started = time.perf_counter()
        render_post(md, text)
        print(f"  {name:<28} {1000 * (time.perf_counter() - started):8.1f} ms")


def bench_corpus() -> None:
    from tests.hostile import test_corpus as corpus

    print("Corpus (build beside a good thread, in process)")
    for name in sorted(corpus.CASES):
        with tempfile.TemporaryDirectory() as folder:
            started = time.perf_counter()
            project, _ = corpus.make_case(Path(folder), corpus.CASES[name])
            result = corpus.CliRunner().invoke(corpus.main, ["build", "--project", str(project), "-j", "1"])
            print(f"  {name:<28} {time.perf_counter() - started:6.2f} s  exit {result.exit_code}")


def bench_series() -> None:
    from generator.build import BuildRequest, run_build
    from generator.project import Project

    print("Post-length series (one post, build with fitting)")
    for char in "[<":
        for length in (2_500, 5_000, 10_000, 20_000):
            with tempfile.TemporaryDirectory() as folder:
                root = Path(folder)
                (root / "content").mkdir()
                (root / "content/x.md").write_text("---\ntitle: x\ncover: false\noutro: false\n---\n\n" + char * length + "\n")
                started = time.perf_counter()
                report = run_build(
                    BuildRequest(project=Project.at(root), out_dir=root / "output", now=datetime.now(UTC), jobs=1, use_cache=False)
                )
                seconds = time.perf_counter() - started
                slides = report.results[0].slide_count
                print(f"  {char!r} x {length:>6,}: {seconds:6.1f} s, {slides:3d} slides, {1000 * seconds / length:.2f} ms per character")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--series", action="store_true", help="also build the post-length series")
    parser.add_argument("--no-corpus", action="store_true", help="skip building the corpus")
    args = parser.parse_args()
    bench_yaml()
    bench_markdown()
    if not args.no_corpus:
        bench_corpus()
    if args.series:
        bench_series()


if __name__ == "__main__":
    main()
