"""The incremental build cache: what a change rebuilds, what a no-op build leaves alone."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import textwrap
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PIL import Image

from generator.build import BuildRequest, run_build
from generator.cache import CACHE_DIR_NAME, CACHE_FILE_NAME
from generator.catalog import load_catalog
from generator.project import Project
from tests.helpers import REPO_ROOT, run_carousel, write_project

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def png(colour: str, size: tuple[int, int] = (64, 48)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "PNG")
    return buffer.getvalue()


PROJECT = {
    "carousel.yaml": """
        defaults:
          theme: paper
        presets:
          quoted:
            layout: quote
        """,
    "content/alpha.md": """
        ---
        title: Alpha
        ---

        First post of alpha.

        ---

        A picture: ![pic](images/pic.png)
        """,
    "content/beta.md": """
        ---
        title: Beta
        preset: quoted
        theme: brand
        ---

        To be or not to be.

        ---

        That is the question.
        """,
    "content/gamma.md": """
        ---
        title: Gamma
        ---

        Gamma's only post.
        """,
    "content/images/pic.png": png("#3366cc"),
    "themes/base/theme.yaml": """
        extends: paper
        colors:
          accent: "#0a7d32"
        """,
    "themes/base/theme.css": ".slide { letter-spacing: 0; }\n",
    "themes/brand/theme.yaml": """
        extends: base
        label: Brand
        """,
}

SLUGS = {"alpha", "beta", "gamma"}


def make_project(root: Path, files: dict | None = None) -> Path:
    return write_project(root, files or PROJECT)


def build(root: Path, **options):
    """A full build in this process; returns the report."""
    options.setdefault("jobs", 1)
    request = BuildRequest(project=Project.at(root), out_dir=(root / "output").resolve(), now=NOW, **options)
    return run_build(request)


def rendered(report) -> set[str]:
    return {r.slug for r in report.results if r.outcome == "built" and not r.cached}


def file_stats(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file under a folder: (inode, mtime_ns); a rewrite (atomic or not) changes it."""
    stats = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            stat = path.stat()
            stats[path.relative_to(folder).as_posix()] = (stat.st_ino, stat.st_mtime_ns)
    return stats


def thread_stats(root: Path, slug: str) -> dict[str, tuple[int, int]]:
    return file_stats(root / "output" / slug)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (old, path)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def project(tmp_path) -> Path:
    root = make_project(tmp_path / "project")
    first = build(root)
    assert first.exit_code == 0, [str(d) for r in first.results for d in r.diagnostics]
    assert rendered(first) == SLUGS
    return root


def test_noop_build_renders_nothing_and_rewrites_nothing(project):
    before = file_stats(project / "output")
    cache_before = file_stats(project / CACHE_DIR_NAME)
    report = build(project)
    assert rendered(report) == set()
    assert report.count_cached() == 3 and report.exit_code == 0
    assert file_stats(project / "output") == before  # no PDF, caption or manifest rewritten
    assert file_stats(project / CACHE_DIR_NAME) == cache_before


def test_cached_build_gives_the_same_manifest_and_warnings(tmp_path):
    files = dict(PROJECT)
    files["content/gamma.md"] = "---\ntitle: Gamma\n---\n\nRemote ![x](https://example.com/x.png) refused.\n"
    root = make_project(tmp_path / "p", files)
    first = build(root)
    manifest = (root / "output/manifest.json").read_text()
    second = build(root)
    assert rendered(second) == set()
    warnings = {r.slug: [str(d) for d in r.diagnostics] for r in first.results}
    assert warnings["gamma"] and any("refused" in w for w in warnings["gamma"])
    assert {r.slug: [str(d) for d in r.diagnostics] for r in second.results} == warnings
    assert (root / "output/manifest.json").read_text() == manifest


def test_thread_edit_rebuilds_only_that_thread(project):
    others = {slug: thread_stats(project, slug) for slug in ("beta", "gamma")}
    edit(project / "content/alpha.md", "First post of alpha.", "First post of alpha, edited.")
    report = build(project)
    assert rendered(report) == {"alpha"}
    assert {slug: thread_stats(project, slug) for slug in others} == others


def test_saving_unchanged_content_renders_nothing(project):
    path = project / "content/alpha.md"
    path.write_text(path.read_text(encoding="utf-8"), encoding="utf-8")  # new mtime, same bytes
    os.utime(project / "content/images/pic.png")
    assert rendered(build(project)) == set()


def test_image_edit_rebuilds_the_threads_using_it(project):
    before = thread_stats(project, "alpha")
    (project / "content/images/pic.png").write_bytes(png("#cc3333"))
    assert rendered(build(project)) == {"alpha"}
    assert thread_stats(project, "alpha")["alpha.pdf"] != before["alpha.pdf"]


def test_theme_edit_rebuilds_threads_whose_extends_chain_has_it(project):
    edit(project / "themes/base/theme.css", "letter-spacing: 0;", "letter-spacing: 0.01em;")
    assert rendered(build(project)) == {"beta"}  # brand extends base
    write_project(project, {"themes/brand/theme.css": ".slide { word-spacing: 1px; }\n"})  # a new file in the chain
    assert rendered(build(project)) == {"beta"}


def test_layout_edit_rebuilds_only_threads_using_that_layout(project):
    # a project file overriding the built-in quote.css: only beta has quote slides
    builtin = (REPO_ROOT / "layouts/quote.css").read_text(encoding="utf-8")
    write_project(project, {"layouts/quote.css": builtin + "\n.layout--quote { word-spacing: 1px; }\n"})
    assert rendered(build(project)) == {"beta"}
    # the base stylesheet is every thread's
    write_project(project, {"layouts/_base.css": (REPO_ROOT / "layouts/_base.css").read_text(encoding="utf-8") + "\n/* x */\n"})
    assert rendered(build(project)) == SLUGS


def test_config_edit_rebuilds_only_threads_whose_options_changed(project):
    config = project / "carousel.yaml"
    edit(config, "    layout: quote\n", "    layout: quote\n    pattern: grid\n")
    assert rendered(build(project)) == {"beta"}
    # a comment and an unused preset change no thread's options
    config.write_text("# comment\n" + config.read_text(encoding="utf-8") + "  unused:\n    theme: midnight\n", encoding="utf-8")
    assert rendered(build(project)) == set()
    # a default every thread inherits
    edit(config, "  theme: paper\n", "  theme: paper\n  slide_numbers: false\n")
    assert rendered(build(project)) == SLUGS


def test_cli_options_are_part_of_the_key(project):
    assert rendered(build(project, cli_options={"pattern": {"name": "dots"}})) == SLUGS
    assert rendered(build(project, cli_options={"pattern": {"name": "dots"}})) == set()
    assert rendered(build(project, strict=True)) == SLUGS


def test_force_renders_everything_but_rewrites_nothing_identical(project):
    before = file_stats(project / "output")
    report = build(project, force=True)
    assert rendered(report) == SLUGS
    assert file_stats(project / "output") == before  # same bytes: files left in place


def test_missing_or_altered_output_is_rebuilt(project):
    (project / "output/gamma/gamma.pdf").unlink()
    (project / "output/alpha/caption.txt").write_text("tampered\n")
    assert rendered(build(project)) == {"alpha", "gamma"}
    assert (project / "output/gamma/gamma.pdf").is_file()
    assert (project / "output/alpha/caption.txt").read_text() != "tampered\n"


def test_corrupt_cache_is_discarded_with_a_warning(project):
    (project / CACHE_DIR_NAME / CACHE_FILE_NAME).write_text("{not json")
    report = build(project)
    assert rendered(report) == SLUGS
    assert any("corrupt build cache discarded" in str(d) for d in report.global_diagnostics)
    assert rendered(build(project)) == set()  # and a good cache was written again


def test_foreign_cache_is_discarded_with_a_warning(project):
    (project / CACHE_DIR_NAME / CACHE_FILE_NAME).write_text(json.dumps({"tool": "something else", "entries": {}}))
    report = build(project)
    assert rendered(report) == SLUGS
    assert any("foreign build cache discarded" in str(d) for d in report.global_diagnostics)


def test_bad_cache_entry_is_discarded_with_a_warning(project):
    path = project / CACHE_DIR_NAME / CACHE_FILE_NAME
    data = json.loads(path.read_text())
    data["entries"]["alpha"]["files"] = 42
    path.write_text(json.dumps(data))
    report = build(project)
    assert rendered(report) == SLUGS
    assert any("corrupt build cache" in str(d) for d in report.global_diagnostics)


def test_another_generator_invalidates_the_cache(project, monkeypatch):
    import generator.cache

    monkeypatch.setattr(generator.cache, "generator_fingerprint", lambda: "a different generator")
    assert rendered(build(project)) == SLUGS


def test_generator_fingerprint_covers_package_sources(tmp_path, monkeypatch):
    import generator.cache

    generator.cache.generator_fingerprint.cache_clear()
    original = generator.cache.generator_fingerprint()
    fake_package = tmp_path / "generator"
    fake_package.mkdir()
    (fake_package / "render.py").write_text("X = 1\n")
    monkeypatch.setattr(generator.cache, "_package_dir", lambda: fake_package)
    generator.cache.generator_fingerprint.cache_clear()
    one = generator.cache.generator_fingerprint()
    (fake_package / "render.py").write_text("X = 2\n")
    generator.cache.generator_fingerprint.cache_clear()
    two = generator.cache.generator_fingerprint()
    monkeypatch.undo()
    generator.cache.generator_fingerprint.cache_clear()
    assert len({original, one, two}) == 3
    assert generator.cache.generator_fingerprint() == original


def test_deleted_thread_output_is_removed_by_a_full_build(project):
    (project / "content/gamma.md").unlink()
    report = build(project)
    assert [r.slug for r in report.results if r.outcome == "removed"] == ["gamma"]
    assert not (project / "output/gamma").exists()
    assert "gamma" not in json.loads((project / "output/manifest.json").read_text())["threads"]


def test_failed_thread_keeps_its_output_and_cache_entry(project):
    before = thread_stats(project, "gamma")
    edit(project / "content/gamma.md", "Gamma's only post.", "![x](missing.png)")
    report = build(project)
    assert report.exit_code == 1 and rendered(report) == set()
    assert thread_stats(project, "gamma") == before
    edit(project / "content/gamma.md", "![x](missing.png)", "Gamma's only post.")
    assert rendered(build(project)) == set()  # back to the content of the output on disk


def test_keys_do_not_depend_on_hash_seed(project):
    script = textwrap.dedent(f"""
        import json
        from pathlib import Path
        from generator.build import BuildRequest, plan_threads
        from generator.cache import FileHasher, KeyContext
        from generator.catalog import load_catalog
        from generator.project import Project
        from datetime import datetime, timezone
        project = Project.at(Path({str(project)!r}))
        request = BuildRequest(project=project, out_dir=project.root / "output", now=datetime.now(timezone.utc))
        catalog = load_catalog(project)
        context = KeyContext(project, catalog.layout_index, FileHasher(), strict=False)
        print(json.dumps({{plan.meta.slug: context.key(plan).key for _, plan, _ in plan_threads(catalog, request)}}))
    """)
    keys = []
    for seed in ("1", "2"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, cwd=REPO_ROOT, timeout=120)
        assert done.returncode == 0, done.stderr
        keys.append(json.loads(done.stdout))
    assert keys[0] == keys[1] and set(keys[0]) == SLUGS


def test_cli_build_twice_says_up_to_date(tmp_path):
    root = make_project(tmp_path / "p")
    first = run_carousel(root, "build", "-j", "1")
    assert first.returncode == 0, first.stderr
    assert "3 built, 0 skipped, 0 failed;" in first.stderr
    second = run_carousel(root, "build")
    assert second.returncode == 0, second.stderr
    assert "cached  alpha: 4 slides (up to date)" in second.stderr
    assert "0 built, 0 skipped, 0 failed; 0 slides in" in second.stderr and "(3 up to date)" in second.stderr
    forced = run_carousel(root, "build", "--force", "-j", "1")
    assert "3 built, 0 skipped, 0 failed;" in forced.stderr
    assert (root / CACHE_DIR_NAME / ".gitignore").read_text().strip().endswith("*")


def forbid_planning(monkeypatch) -> None:
    import generator.build

    def refuse(*args, **kwargs):
        raise AssertionError("a thread was planned")

    monkeypatch.setattr(generator.build, "load_thread", refuse)


def test_noop_build_does_not_even_plan(project, monkeypatch):
    manifest = (project / "output/manifest.json").read_text()
    forbid_planning(monkeypatch)
    report = build(project)
    assert report.count_cached() == 3 and rendered(report) == set()
    assert (project / "output/manifest.json").read_text() == manifest


def test_changed_inputs_with_the_same_output_are_remembered(project, monkeypatch):
    config = project / "carousel.yaml"
    config.write_text("# a comment\n" + config.read_text(encoding="utf-8"), encoding="utf-8")
    assert rendered(build(project)) == set()  # planned and keyed: same key, nothing rendered
    forbid_planning(monkeypatch)
    assert build(project).count_cached() == 3  # and the new stamp was kept


def test_a_draft_built_with_drafts_is_skipped_without(project):
    edit(project / "content/gamma.md", "title: Gamma\n", "title: Gamma\ndraft: true\n")
    assert rendered(build(project, include_drafts=True)) == {"gamma"}
    report = build(project)
    outcomes = {r.slug: r.outcome for r in report.results}
    assert outcomes["gamma"] == "skipped" and rendered(report) == set()
    manifest = json.loads((project / "output/manifest.json").read_text())
    assert manifest["threads"]["gamma"]["status"] == "draft" and manifest["threads"]["gamma"]["files"]


def test_forcing_one_thread_keeps_the_others_cached(project):
    report = run_build(
        BuildRequest(
            project=Project.at(project),
            out_dir=(project / "output").resolve(),
            now=NOW,
            jobs=1,
            selection=((project / "content/gamma.md").resolve(),),
            force=True,
        )
    )
    assert rendered(report) == {"gamma"}
    assert rendered(build(project)) == set()


def test_a_file_named_by_a_stylesheet_is_a_dependency(project):
    # stylesheets are inlined into the thread's HTML: url() resolves from the thread's folder
    write_project(
        project,
        {
            "assets/texture.png": png("#dddddd", (32, 32)),
            "themes/brand/theme.css": ".slide { background-image: url('../assets/texture.png'); }\n",
        },
    )
    assert rendered(build(project)) == {"beta"}
    before = thread_stats(project, "beta")
    (project / "assets/texture.png").write_bytes(png("#222222", (32, 32)))
    assert rendered(build(project)) == {"beta"}
    assert thread_stats(project, "beta")["beta.pdf"] != before["beta.pdf"]


# --- corrupt or foreign cache entries (issue 16) ---------------------------------------------


def _font_project(tmp_path):
    from tests.helpers import write_project

    font = Path("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf")
    if not font.is_file():
        pytest.skip("needs DejaVu Serif (fonts-dejavu-core) as a project font")
    project = write_project(
        tmp_path,
        {
            "content/a.md": "---\ntitle: Fonts\ntheme: mine\n---\n\nA post set in a project font.\n",
            "themes/mine/theme.yaml": "extends: paper\nfonts:\n  text: DejaVu Serif\n  display: DejaVu Serif\n",
            "themes/mine/DejaVuSerif.ttf": font.read_bytes(),
        },
    )
    return project


def test_corrupt_staged_font_is_discarded_and_restaged_with_a_warning(tmp_path):
    """A fresh process each time: fonts are set up once per process, as a real build does."""
    from tests.helpers import embedded_font_names, run_carousel

    project = _font_project(tmp_path)
    assert run_carousel(project, "build", "-j", "1").returncode == 0
    staged = next((project / ".carousel-cache/fonts/project-fonts").iterdir())
    for attempt in range(2):  # every time, not only the first  # noqa: B007
        staged.write_bytes(staged.read_bytes()[:1000])
        result = run_carousel(project, "build", "-j", "1", "--force")
        assert result.returncode == 0, result.stderr
        assert (
            f".carousel-cache/fonts/project-fonts/{staged.name}: warning: corrupt cached font copy discarded"
            in result.stdout + result.stderr
        )
        assert "DejaVu-Serif" in embedded_font_names((project / "output/a/a.pdf").read_bytes())


def test_foreign_cache_entry_pointing_outside_is_discarded(tmp_path):
    import json as _json

    from tests.helpers import build_in_process, write_project

    project = write_project(tmp_path, {"content/a.md": "---\ntitle: A\n---\n\nHello.\n"})
    assert build_in_process(project).exit_code == 0
    cache_file = next((project / ".carousel-cache").glob("*.json"))
    data = _json.loads(cache_file.read_text())
    entry = next(iter(data["entries"].values()))
    entry["stats"]["../../../etc/hostname"] = [1, 2]
    cache_file.write_text(_json.dumps(data))
    result = build_in_process(project)
    assert result.exit_code == 0
    assert "corrupt build cache discarded (bad entry: a file outside the output folder)" in result.output
    assert (project / "output/a/a.pdf").is_file()


def test_a_manifest_naming_a_file_outside_is_not_followed(project):
    """The cache checks the files the manifest records; a manifest is input like any other."""
    manifest_path = project / "output/manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["threads"]["alpha"]["files"]["../../../etc/hostname"] = "0" * 64
    manifest_path.write_text(json.dumps(manifest))
    report = build(project)
    assert report.exit_code == 0
    assert rendered(report) == {"alpha"}  # no reuse on a record that names a file outside
    assert not any("etc/hostname" in name for name in json.loads(manifest_path.read_text())["threads"]["alpha"]["files"])


def test_the_cache_keeps_no_second_copy_of_the_manifest_files(project):
    """Files with their hashes, slides and alt text live in the manifest only; a unit it no longer records is built again."""
    cache = json.loads((project / CACHE_DIR_NAME / CACHE_FILE_NAME).read_text())
    manifest = json.loads((project / "output/manifest.json").read_text())
    for unit, entry in cache["entries"].items():
        assert not {"files", "slides", "alt"} & set(entry)
        assert sorted(entry["stats"]) == sorted(manifest["threads"][unit]["files"])
    changed = {**manifest["threads"]["beta"]["files"]}
    changed[next(iter(changed))] = "0" * 64  # the record says another file was written
    manifest["threads"]["beta"]["files"] = changed
    (project / "output/manifest.json").write_text(json.dumps(manifest))
    assert rendered(build(project)) == {"beta"}
    assert rendered(build(project)) == set()


# --- builds.json is validated on load (pydantic): a bad file is a cache miss, never a crash ---


@pytest.fixture(scope="module")
def cache_text(tmp_path_factory) -> str:
    """A real builds.json, written by a build of the test project."""
    root = make_project(tmp_path_factory.mktemp("cache-file") / "project")
    assert build(root).exit_code == 0
    return (root / CACHE_DIR_NAME / CACHE_FILE_NAME).read_text(encoding="utf-8")


def _first_entry(data: dict) -> dict:
    return data["entries"]["alpha"]


MALFORMED = {
    "not an object": lambda data: [1, 2, 3],
    "entries is a list": lambda data: {**data, "entries": []},
    "entry is a string": lambda data: {**data, "entries": {"alpha": "x"}},
    "key missing": lambda data: _first_entry(data).pop("key") and data,
    "notes is text": lambda data: _first_entry(data).update(notes="three") or data,
    "slides kept twice (the manifest holds them)": lambda data: _first_entry(data).update(slides=3) or data,
    "a diagnostic of two fields": lambda data: _first_entry(data).update(diagnostics=[["a.md", 1]]) or data,
    "an unknown severity": lambda data: _first_entry(data).update(diagnostics=[["a.md", 1, "m", "fatal"]]) or data,
    "a stat of three numbers": lambda data: _first_entry(data).update(stats={"alpha.pdf": [1, 2, 3]}) or data,
    "a file stat that is text": lambda data: _first_entry(data).update(stats={"alpha.pdf": "big"}) or data,
    "an absolute output file": lambda data: _first_entry(data).update(stats={"/etc/passwd": [1, 2]}) or data,
    "files kept twice (the manifest holds them)": lambda data: _first_entry(data).update(files={"alpha/alpha.pdf": "0" * 64}) or data,
    "deps without themes": lambda data: _first_entry(data).update(deps={"files": [], "layouts_unused": []}) or data,
    "meta with an unknown field": lambda data: _first_entry(data)["meta"].update(colour="red") or data,
    "an unknown entry field": lambda data: _first_entry(data).update(surprise=1) or data,
    "an older format": lambda data: {**data, "format": 0},
}


@pytest.mark.parametrize("mutation", sorted(MALFORMED))
def test_malformed_cache_file_is_an_empty_cache_with_one_warning(cache_text, tmp_path, mutation):
    from generator.cache import BuildCache

    data = MALFORMED[mutation](json.loads(cache_text))
    (tmp_path / CACHE_FILE_NAME).write_text(json.dumps(data), encoding="utf-8")
    cache = BuildCache.open(tmp_path, ".carousel-cache")
    assert cache.entries == {}
    assert len(cache.warnings) == 1
    warning = str(cache.warnings[0])
    assert warning.startswith(".carousel-cache/builds.json: ")
    assert "build cache discarded" in warning and "\n" not in warning


@pytest.mark.parametrize(
    "garbage", [b"", b"{not json", b"\xff\xfe\x00binary", b'{"tool": "carousel-studio build cache", "format": 1, "fingerprint": ']
)
def test_unreadable_cache_file_is_an_empty_cache(tmp_path, garbage):
    from generator.cache import BuildCache

    (tmp_path / CACHE_FILE_NAME).write_bytes(garbage)
    cache = BuildCache.open(tmp_path, ".carousel-cache")
    assert cache.entries == {}
    assert [str(w) for w in cache.warnings] and "corrupt build cache discarded" in str(cache.warnings[0])


def test_cache_file_round_trips_through_its_model(cache_text, tmp_path):
    """Loading and saving a cache gives the same entries and the same bytes (sorted, stable)."""
    from generator.cache import BuildCache

    (tmp_path / CACHE_FILE_NAME).write_text(cache_text, encoding="utf-8")
    cache = BuildCache.open(tmp_path, ".carousel-cache")
    assert cache.warnings == [] and set(cache.entries) == SLUGS
    alpha = cache.entries["alpha"]
    assert alpha.meta is not None and alpha.meta.title == "Alpha" and alpha.deps is not None
    assert any(path.name == "pic.png" for path in alpha.deps.files)
    cache._dirty = True
    cache.save()
    assert (tmp_path / CACHE_FILE_NAME).read_text(encoding="utf-8") == cache_text


# --- the dependency index: which threads a changed path affects (watch mode asks it) ---


@pytest.fixture(scope="module")
def indexed(tmp_path_factory):
    """A built project and the Builder's dependency index after a no-op build (every thread up to date)."""
    from generator.build import Builder

    root = make_project(tmp_path_factory.mktemp("index") / "project")
    assert build(root).exit_code == 0
    request = BuildRequest(project=Project.at(root), out_dir=(root / "output").resolve(), now=NOW, jobs=1)
    builder = Builder(request)
    try:
        report = builder.build_all(load_catalog(request.project))
    finally:
        builder.close()
    assert rendered(report) == set() and report.count_cached() == 3  # known from the cache, not planned
    return root.resolve(), builder.dependencies


def affected(indexed, *relative: str) -> set[str]:
    root, index = indexed
    change = index.classify({root / name for name in relative})
    return {path.stem for path in sorted((root / "content").glob("*.md")) if index.affects(path.resolve(), change)}


def test_index_maps_a_thread_file_and_an_image_to_their_threads(indexed):
    assert affected(indexed, "content/gamma.md") == {"gamma"}
    assert affected(indexed, "content/images/pic.png") == {"alpha"}
    assert affected(indexed, "content/images") == {"alpha"}  # the folder holding it (deleted, moved)
    assert affected(indexed, "content/notes.txt") == set()


def test_index_maps_theme_and_layout_files_to_the_threads_that_use_them(indexed):
    assert affected(indexed, "themes/brand/theme.css") == {"beta"}
    assert affected(indexed, "themes/base/theme.yaml") == {"beta"}  # brand extends base
    root, index = indexed
    quote = index.classify({Project.at(root).builtin.resolve() / "layouts" / "quote.css"})
    assert quote.layout_files == {"quote.css"} and quote.reloads_renderers
    assert {path.stem for path in (root / "content").glob("*.md") if index.affects(path, quote)} == {"beta"}
    assert affected(indexed, "layouts/_base.css") == SLUGS


def test_index_sends_fonts_and_unknown_threads_to_a_full_replan(indexed):
    root, index = indexed
    fonts = index.classify({root / "themes/fonts/Extra.ttf"})
    assert fonts.fonts and affected(indexed, "themes/fonts/Extra.ttf") == SLUGS
    assert index.affects(root / "content/new.md", index.classify({root / "content/images/pic.png"}))  # never keyed
