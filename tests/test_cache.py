"""The incremental build cache: what a change rebuilds, what a no-op build leaves alone."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import textwrap
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PIL import Image

from generator.build import BuildRequest, run_build
from generator.cache import CACHE_DIR_NAME, generator_fingerprint
from generator.catalog import load_catalog
from generator.project import Project
from tests.helpers import REPO_ROOT, write_project

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


def first_build(root: Path) -> Path:
    """The test project, built once: every thread rendered."""
    make_project(root)
    first = build(root)
    assert first.exit_code == 0, [str(d) for r in first.results for d in r.diagnostics]
    assert rendered(first) == SLUGS
    return root


@pytest.fixture(scope="module")
def built_once(tmp_path_factory) -> Path:
    """One full build for the module; each test gets a copy of it (`project`)."""
    return first_build(tmp_path_factory.mktemp("built") / "project")


@pytest.fixture
def project(built_once, tmp_path) -> Path:
    """A copy of the built project: sources, output and cache as the full build left them.

    The hash memo (.carousel-cache/hashes.json) is keyed by the output folder's path and
    each file's stat, which a copy changes: one no-op build in the copy hashes the output
    once and remembers it, as after moving a project. The tests of the first build after a
    full build (nothing rewritten, nothing planned) use `fresh_project` instead.
    """
    root = tmp_path / "project"
    shutil.copytree(built_once, root, symlinks=True)
    refresh = build(root)
    assert refresh.exit_code == 0 and rendered(refresh) == set() and refresh.count_cached() == 3
    return root


@pytest.fixture
def fresh_project(tmp_path) -> Path:
    """The project right after its own full build, in place."""
    return first_build(tmp_path / "project")


def test_noop_build_renders_nothing_and_rewrites_nothing(fresh_project):
    project = fresh_project
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


def test_an_image_link_out_of_the_project_replaced_by_a_file_rebuilds(project, tmp_path):
    """A refused image (a symlink leading out) is a dependency by the link's name: the
    build after it is replaced by a real image renders the thread, with the image."""
    outside = tmp_path / "outside.png"
    outside.write_bytes(png("#3333cc"))
    image = project / "content/images/pic.png"
    image.unlink()
    image.symlink_to(outside)
    refused = build(project)
    assert rendered(refused) == {"alpha"}
    assert any("refused: it is outside the project" in str(d) for r in refused.results for d in r.diagnostics)
    assert rendered(build(project)) == set()  # nothing changed: up to date
    image.unlink()
    image.write_bytes(png("#33cc33"))
    fixed = build(project)
    assert rendered(fixed) == {"alpha"}
    assert not any("refused" in str(d) for r in fixed.results for d in r.diagnostics)


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


def read_manifest_json(project: Path) -> dict:
    return json.loads((project / "output/manifest.json").read_text(encoding="utf-8"))


def write_manifest_json(project: Path, manifest: dict) -> None:
    (project / "output/manifest.json").write_text(json.dumps(manifest), encoding="utf-8")


def test_corrupt_manifest_is_a_warning_and_a_full_rebuild(project):
    (project / "output/manifest.json").write_text("{not json")
    report = build(project)
    assert report.exit_code == 0 and rendered(report) == SLUGS
    assert [str(d) for d in report.global_diagnostics] == ["output/manifest.json: unreadable manifest ignored; every thread is built again"]
    assert set(read_manifest_json(project)["threads"]) == SLUGS
    assert rendered(build(project)) == set()  # and a good record was written again


def test_an_old_builds_json_is_ignored_and_removed(project):
    old = project / CACHE_DIR_NAME / "builds.json"
    old.write_text(json.dumps({"tool": "carousel-studio build cache", "format": 1, "entries": {"alpha": 1}}))
    report = build(project)
    assert rendered(report) == set() and report.global_diagnostics == []
    assert not old.exists()


def test_a_bad_build_part_is_a_warning_and_rebuilds_that_unit_only(project):
    manifest = read_manifest_json(project)
    manifest["threads"]["alpha"]["build"]["deps"] = 42
    write_manifest_json(project, manifest)
    report = build(project)
    assert report.exit_code == 0 and rendered(report) == {"alpha"}
    [warning] = [str(d) for d in report.global_diagnostics]
    assert warning.startswith("output/manifest.json: build record of 'alpha' ignored (") and "\n" not in warning
    assert rendered(build(project)) == set()


@pytest.mark.parametrize("field", ["key", "stamp", "notes"])
def test_an_edited_build_part_rebuilds_that_unit(project, field):
    manifest = read_manifest_json(project)
    manifest["threads"]["beta"]["build"][field] = ["edited"] if field == "notes" else "0" * 64
    write_manifest_json(project, manifest)
    report = build(project)
    assert report.exit_code == 0 and rendered(report) == {"beta"}
    assert [str(d) for d in report.global_diagnostics] == [
        "output/manifest.json: build record of 'beta' ignored (edited: its check does not match); it is built again"
    ]
    assert read_manifest_json(project)["threads"]["beta"]["build"][field] != manifest["threads"]["beta"]["build"][field]


def test_a_build_part_removed_from_the_manifest_rebuilds_that_unit(project):
    manifest = read_manifest_json(project)
    del manifest["threads"]["gamma"]["build"]
    write_manifest_json(project, manifest)
    assert rendered(build(project)) == {"gamma"}
    assert "build" in read_manifest_json(project)["threads"]["gamma"]


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


def test_cli_build_twice_says_up_to_date(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from generator.cli import main

    root = make_project(tmp_path / "p")
    monkeypatch.chdir(root)  # `carousel build` run inside the project, in this process
    first = CliRunner().invoke(main, ["build", "-j", "1"])
    assert first.exit_code == 0, first.stderr
    assert "3 built, 0 skipped, 0 failed;" in first.stderr
    second = CliRunner().invoke(main, ["build"])
    assert second.exit_code == 0, second.stderr
    assert "cached  alpha: 4 slides (up to date)" in second.stderr
    assert "0 built, 0 skipped, 0 failed; 0 slides in" in second.stderr and "(3 up to date)" in second.stderr
    forced = CliRunner().invoke(main, ["build", "--force", "-j", "1"])
    assert forced.exit_code == 0, forced.stderr
    assert "3 built, 0 skipped, 0 failed;" in forced.stderr
    assert (root / CACHE_DIR_NAME / ".gitignore").read_text().strip().endswith("*")


def forbid_planning(monkeypatch) -> None:
    import generator.build

    def refuse(*args, **kwargs):
        raise AssertionError("a thread was planned")

    monkeypatch.setattr(generator.build, "load_thread", refuse)


def test_noop_build_does_not_even_plan(fresh_project, monkeypatch):
    project = fresh_project
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


def test_a_build_part_naming_a_dependency_outside_is_discarded(tmp_path):
    from tests.helpers import build_in_process, write_project

    project = write_project(tmp_path, {"content/a.md": "---\ntitle: A\n---\n\nHello.\n"})
    assert build_in_process(project).exit_code == 0
    manifest = read_manifest_json(project)
    manifest["threads"]["a"]["build"]["deps"]["files"].append("../../../etc/hostname")
    write_manifest_json(project, manifest)
    result = build_in_process(project)
    assert result.exit_code == 0
    assert "build record of 'a' ignored (a dependency that is not a project-relative name: '../../../etc/hostname')" in result.output
    assert "Traceback" not in result.output
    assert (project / "output/a/a.pdf").is_file()
    assert "../../../etc/hostname" not in (project / "output/manifest.json").read_text()


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


def test_the_manifest_is_the_one_record_of_a_unit(project):
    """Key, stamp, dependencies, diagnostics in the unit's `build` part; .carousel-cache holds no record."""
    manifest = read_manifest_json(project)
    assert manifest["fingerprint"] == generator_fingerprint()
    alpha = manifest["threads"]["alpha"]["build"]
    assert set(alpha) == {"key", "stamp", "deps", "diagnostics", "notes", "meta", "check"}
    assert len(alpha["key"]) == 64 and len(alpha["stamp"]) == 64
    assert alpha["deps"]["files"] == ["content/alpha.md", "content/images/pic.png"]
    beta = manifest["threads"]["beta"]["build"]
    assert beta["deps"]["themes"] == ["brand", "base", "paper"]
    assert "quote.css" in alpha["deps"]["layouts_unused"] and "quote.css" not in beta["deps"]["layouts_unused"]
    assert alpha["meta"]["title"] == "Alpha" and alpha["meta"]["draft"] is False
    assert str(project) not in json.dumps(manifest)
    assert sorted(path.name for path in (project / CACHE_DIR_NAME).iterdir() if path.suffix == ".json") == ["hashes.json"]
    memo = (project / CACHE_DIR_NAME / "hashes.json").read_text()
    assert alpha["key"] not in memo and alpha["stamp"] not in memo


def test_the_record_keeps_structured_diagnostics(tmp_path):
    files = dict(PROJECT)
    files["content/gamma.md"] = "---\ntitle: Gamma\n---\n\nRemote ![x](https://example.com/x.png) refused.\n"
    root = make_project(tmp_path / "p", files)
    first = build(root)
    gamma = read_manifest_json(root)["threads"]["gamma"]
    [warning] = [d for r in first.results if r.slug == "gamma" for d in r.diagnostics]
    assert gamma["build"]["diagnostics"] == [[warning.path, warning.line, warning.message, "warning"]]
    assert gamma["warnings"] == [str(warning)]


def test_a_changed_record_of_files_rebuilds_the_unit(project):
    manifest = read_manifest_json(project)
    changed = {**manifest["threads"]["beta"]["files"]}
    changed[next(iter(changed))] = "0" * 64  # the record says another file was written
    manifest["threads"]["beta"]["files"] = changed
    write_manifest_json(project, manifest)
    assert rendered(build(project)) == {"beta"}
    assert rendered(build(project)) == set()


def test_an_edit_keeping_size_and_mtime_is_seen(project):
    """The hash memo is keyed by the whole stat (inode and ctime too): restoring the mtime does not hide an edit."""
    caption = project / "output/alpha/caption.txt"
    before = caption.stat()
    text = caption.read_bytes()
    caption.write_bytes(bytes([text[0] ^ 1]) + text[1:])  # same size
    os.utime(caption, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert rendered(build(project)) == {"alpha"}
    assert caption.read_bytes() == text


def test_without_the_hash_memo_nothing_is_rendered(project):
    (project / CACHE_DIR_NAME / "hashes.json").unlink()
    report = build(project)
    assert rendered(report) == set() and report.count_cached() == 3
    assert (project / CACHE_DIR_NAME / "hashes.json").is_file()  # hashed once, remembered again


@pytest.mark.parametrize("garbage", [b"", b"{not json", b"\xff\xfe", b'{"tool": "carousel-studio output hashes", "out_dir": 1}'])
def test_a_bad_hash_memo_is_only_hashing(project, garbage):
    (project / CACHE_DIR_NAME / "hashes.json").write_bytes(garbage)
    report = build(project)
    assert rendered(report) == set() and report.global_diagnostics == []


def test_a_build_without_the_cache_writes_the_same_manifest(project):
    manifest = (project / "output/manifest.json").read_bytes()
    memo = (project / CACHE_DIR_NAME / "hashes.json").read_bytes()
    report = build(project, use_cache=False)
    assert rendered(report) == SLUGS
    assert (project / "output/manifest.json").read_bytes() == manifest
    assert (project / CACHE_DIR_NAME / "hashes.json").read_bytes() == memo  # neither read nor written


def test_two_folders_give_byte_identical_manifests(tmp_path):
    one = make_project(tmp_path / "one" / "project")
    two = make_project(tmp_path / "somewhere" / "else" / "project-two")
    assert build(one).exit_code == build(two).exit_code == 0
    assert (one / "output/manifest.json").read_bytes() == (two / "output/manifest.json").read_bytes()
    # a record made in one folder is a cache hit in the other
    (two / CACHE_DIR_NAME / "hashes.json").unlink()
    (two / "output/manifest.json").write_bytes((one / "output/manifest.json").read_bytes())
    assert rendered(build(two)) == set()


# --- the build part is validated on load (pydantic): a bad one is a miss, never a crash ---


@pytest.fixture(scope="module")
def manifest_text(built_once) -> str:
    """A real manifest.json, written by a build of the test project."""
    return (built_once / "output/manifest.json").read_text(encoding="utf-8")


def _alpha_build(data: dict) -> dict:
    return data["threads"]["alpha"]["build"]


MALFORMED = {
    "build is a string": lambda data: data["threads"]["alpha"].update(build="x") or data,
    "key missing": lambda data: _alpha_build(data).pop("key") and data,
    "notes is text": lambda data: _alpha_build(data).update(notes="three") or data,
    "slides kept twice (the unit holds them)": lambda data: _alpha_build(data).update(slides=3) or data,
    "files kept twice (the unit holds them)": lambda data: _alpha_build(data).update(files={"alpha/alpha.pdf": "0" * 64}) or data,
    "a diagnostic of two fields": lambda data: _alpha_build(data).update(diagnostics=[["a.md", 1]]) or data,
    "an unknown severity": lambda data: _alpha_build(data).update(diagnostics=[["a.md", 1, "m", "fatal"]]) or data,
    "deps without themes": lambda data: _alpha_build(data).update(deps={"files": [], "layouts_unused": []}) or data,
    "an absolute dependency": lambda data: _alpha_build(data)["deps"].update(files=["/etc/passwd"]) or data,
    "a dependency leaving the built-in folder": lambda data: _alpha_build(data)["deps"].update(files=["builtin:../x"]) or data,
    "meta with an unknown field": lambda data: _alpha_build(data)["meta"].update(colour="red") or data,
    "an unknown field": lambda data: _alpha_build(data).update(surprise=1) or data,
}


@pytest.mark.parametrize("mutation", sorted(MALFORMED))
def test_a_malformed_build_part_is_dropped_with_one_warning(manifest_text, mutation):
    from generator.cache import read_build_parts, record_check

    data = MALFORMED[mutation](json.loads(manifest_text))
    alpha = data["threads"]["alpha"]
    if isinstance(alpha["build"], dict) and "check" in alpha["build"]:  # the edit made well: only the model may refuse it
        alpha["build"]["check"] = record_check({name: value for name, value in alpha["build"].items() if name != "check"})
    units, warnings = read_build_parts(data["threads"], "output/manifest.json")
    assert "build" not in units["alpha"] and units["alpha"]["files"] == data["threads"]["alpha"]["files"]
    assert all("build" in units[slug] for slug in ("beta", "gamma"))
    assert len(warnings) == 1
    warning = str(warnings[0])
    assert warning.startswith("output/manifest.json: build record of 'alpha' ignored (") and "\n" not in warning


def test_a_build_part_round_trips_through_its_model(manifest_text, tmp_path):
    """Read into an entry (absolute paths, in another folder) and recorded again, a build part is the same JSON."""
    from generator.cache import ManifestStore, OutputHashes

    root = make_project(tmp_path / "elsewhere")
    store = ManifestStore(Project.at(root), OutputHashes(root / "output", None))
    threads = json.loads(manifest_text)["threads"]
    alpha = store.entry(threads, "alpha")
    assert alpha is not None and alpha.meta.title == "Alpha" and alpha.source == "content/alpha.md"
    assert (root / "content/images/pic.png").resolve() in alpha.deps.files
    for unit in SLUGS:
        entry = store.entry(threads, unit)
        assert entry is not None and store.record(entry) == threads[unit]["build"]


# --- the dependency index: which threads a changed path affects (watch mode asks it) ---


@pytest.fixture(scope="module")
def indexed(built_once, tmp_path_factory):
    """A built project and the Builder's dependency index after a no-op build (every thread up to date)."""
    from generator.build import Builder

    root = tmp_path_factory.mktemp("index") / "project"
    shutil.copytree(built_once, root, symlinks=True)
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


def test_a_dependency_linked_outside_the_project_leaves_no_path_in_the_record(tmp_path):
    outside = tmp_path / "outside" / "secret.png"
    outside.parent.mkdir()
    outside.write_bytes(png("#123456"))
    root = make_project(tmp_path / "p", {"content/a.md": "---\ntitle: A\n---\n\nA picture: ![pic](images/link.png)\n"})
    (root / "content/images").mkdir()
    (root / "content/images/link.png").symlink_to(outside)
    first = build(root)
    assert [r.outcome for r in first.results] == ["built"]  # the image is refused, with a warning
    manifest = (root / "output/manifest.json").read_text()
    assert str(tmp_path) not in manifest
    second = build(root)
    assert second.global_diagnostics == [] and rendered(second) == set()
    assert [r.outcome for r in first.results] == [r.outcome for r in second.results]
