"""The recipes for big batches say what the rest of the repository says, so they can't drift apart: the
Dockerfile installs what .ci/run and the README install and runs the tests as they do; .dockerignore
leaves out what .gitignore ignores; the Kubernetes Job and the CI matrix in docs/ are valid YAML whose
--shard counts as many shards as they start, and docs/batches.md shows them as they are. (Docker and
Kubernetes are not needed: everything here is read, nothing is run.)"""

import re
import shlex
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
DOCKERFILE = ROOT / "Dockerfile"
MANIFEST = ROOT / "docs" / "k8s-indexed-job.yaml"
WORKFLOW = ROOT / "docs" / "ci-matrix-example.yml"
MEGABYTES_A_PROCESS = 160  # the measured peak of one process ("Speed and size" in the README: 160–163 MB)


def _instructions(path: Path) -> list[tuple[str, str]]:
    """The Dockerfile's instructions as (KEYWORD, arguments), continuation lines joined, comments left out."""
    text = "\n".join(line for line in path.read_text(encoding="utf-8").splitlines()
                     if not line.lstrip().startswith("#"))
    return [(keyword.upper(), rest.strip()) for keyword, rest in
            (re.split(r"\s+", line.strip(), maxsplit=1) for line in text.replace("\\\n", " ").splitlines()
             if line.strip())]


def _apt_packages(command: str) -> set[str]:
    """The packages of every `apt-get install` in a shell command."""
    packages = set()
    for match in re.finditer(r"apt-get install((?:[ \t]+[^\s&;|>`]+)+)", command):
        packages |= {word for word in match[1].split() if not word.startswith("-")}
    return packages


def _package_install(command: str) -> list[str]:
    """The words of the one `pip install` of this package (`.` with its extras) in a shell command, but
    --quiet."""
    installs = [shlex.split(match[1]) for match in re.finditer(r"pip install([^\n&;|]*)", command)]
    [words] = [words for words in installs if any(word.startswith(".") for word in words)]
    return sorted(word for word in words if word != "--quiet")


def _runs(path: Path) -> str:
    return "\n".join(rest for keyword, rest in _instructions(path) if keyword == "RUN")


def _ci_run() -> str:
    return (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def _readme_pango_packages() -> set[str]:
    """What the README says WeasyPrint needs of the system ("apt-get install libpango-1.0-0 …")."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    packages = {package for line in re.findall(r"`[^`]*apt-get install [^`]*`", readme)
                for package in _apt_packages(line) if "pango" in package}
    assert packages
    return packages


def test_the_image_installs_the_system_packages_of_ci_and_the_readme():
    """Every package .ci/run installs for the tests (the PDF readers) and the Pango libraries the README
    names for WeasyPrint are installed in the image."""
    in_ci = _apt_packages(_ci_run())
    assert {"ghostscript", "mupdf-tools", "poppler-utils"} <= in_ci
    assert in_ci | _readme_pango_packages() <= _apt_packages(_runs(DOCKERFILE))


def test_the_image_is_the_oldest_python_supported_on_debian_and_installs_the_test_extras_like_ci():
    """Python 3.11 (what pyproject.toml requires at least), slim Debian; the checkout copied and installed
    with the test extras exactly as .ci/run installs it."""
    instructions = _instructions(DOCKERFILE)
    base = [rest for keyword, rest in instructions if keyword == "FROM"]
    assert len(base) == 1 and re.fullmatch(r"python:(\d+\.\d+)-slim-bookworm", base[0]), base
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["requires-python"] == ">=" + re.match(r"python:([\d.]+)-", base[0])[1]
    assert "test" in project["optional-dependencies"]
    assert _package_install(_runs(DOCKERFILE)) == _package_install(_ci_run()) == ["-e", ".[test]"]
    assert [rest for keyword, rest in instructions if keyword == "COPY"] == [". ."]
    assert ("WORKDIR", "/app") in instructions


def test_the_image_runs_the_tests_as_a_numeric_user_that_is_not_root():
    """The default command is the README's test command; the last USER is a number other than 0 (so that
    Kubernetes' runAsNonRoot can check it), made by useradd with that uid, set after every RUN."""
    instructions = _instructions(DOCKERFILE)
    assert instructions[-1] == ("CMD", '["python", "-m", "pytest"]')
    users = [index for index, (keyword, _) in enumerate(instructions) if keyword == "USER"]
    assert users, "no USER: the image would run as root"
    user = instructions[users[-1]][1]
    assert re.fullmatch(r"[1-9][0-9]*", user), user
    assert not any(keyword == "RUN" for keyword, _ in instructions[users[-1]:])
    assert any(keyword == "RUN" and re.search(rf"useradd .*--uid {user}\b", rest) for keyword, rest in instructions)


def _docker_pattern(gitignore_line: str) -> str:
    """A .gitignore pattern as .dockerignore writes it: anchored at the root when it has a slash before
    its end, else at any depth (`**/`)."""
    pattern = gitignore_line.rstrip("/")
    if "/" in pattern:
        return pattern.lstrip("/")
    return f"**/{pattern}"


def test_dockerignore_leaves_out_what_git_ignores_and_the_history():
    ignored = {line.strip() for line in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
               if line.strip() and not line.startswith("#")}
    gitignored = [line.strip() for line in (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
                  if line.strip() and not line.startswith("#")]
    assert {_docker_pattern(line) for line in gitignored} | {".git", ".pytest_cache"} <= ignored
    # Nothing the image or its tests read is left out.
    needed = ("Dockerfile", ".dockerignore", ".ci", "README.md", "pyproject.toml", "healthprint", "templates",
              "content", "tests", "docs", "fonts", "build.py")
    assert not ignored & set(needed)
    assert all((ROOT / name).exists() for name in needed)


def _job() -> dict:
    documents = list(yaml.safe_load_all(MANIFEST.read_text(encoding="utf-8")))
    jobs = [document for document in documents if document["kind"] == "Job"]
    assert len(jobs) == 1
    return jobs[0]


def _megabytes(quantity: str) -> float:
    number, unit = re.fullmatch(r"([0-9.]+)(Mi|Gi|M|G)", quantity).groups()
    return float(number) * {"Mi": 1.048576, "Gi": 1073.741824, "M": 1, "G": 1000}[unit]


def test_the_indexed_job_builds_shard_index_plus_one_of_completions():
    """The Job is Indexed and retries each index alone; its command builds shard JOB_COMPLETION_INDEX + 1
    of `completions`, each shard into its own --out folder on the volume."""
    documents = list(yaml.safe_load_all(MANIFEST.read_text(encoding="utf-8")))
    job = _job()
    spec = job["spec"]
    assert job["apiVersion"] == "batch/v1"
    assert spec["completionMode"] == "Indexed"
    assert 1 <= spec["parallelism"] <= spec["completions"]
    assert spec["backoffLimitPerIndex"] >= 1 and spec["template"]["spec"]["restartPolicy"] == "Never"
    [container] = spec["template"]["spec"]["containers"]
    command = " ".join(container["command"])
    assert "JOB_COMPLETION_INDEX" in command
    shard = re.search(r'--shard "\$\(\(JOB_COMPLETION_INDEX \+ 1\)\)/(\d+)"', command)
    assert shard and int(shard[1]) == spec["completions"], command
    assert re.search(r'--out "[^"\s]*\$\(\(JOB_COMPLETION_INDEX \+ 1\)\)"', command), command
    # The rules name the container, and exit code 2 is the tool's (README: "Exit codes").
    rules = spec["podFailurePolicy"]["rules"]
    assert all(rule["onExitCodes"]["containerName"] == container["name"] for rule in rules if "onExitCodes" in rule)

    # content/ and out/ on the volume claimed in the same file.
    claims = {document["metadata"]["name"] for document in documents if document["kind"] == "PersistentVolumeClaim"}
    volumes = {volume["name"]: volume for volume in spec["template"]["spec"]["volumes"]}
    mounts = {mount["mountPath"]: volume["persistentVolumeClaim"]["claimName"]
              for mount in container["volumeMounts"] for volume in [volumes[mount["name"]]]
              if "persistentVolumeClaim" in volume}
    for option in ("--content", "--out"):
        path = re.search(rf'{option} "?(/[^"\s]+)', command)[1]
        assert any(path.startswith(mount + "/") and claim in claims for mount, claim in mounts.items()), option


def test_the_job_asks_for_a_core_and_the_memory_of_each_worker():
    """-j is the number of cores requested, and the memory request holds the parent and its -j workers at
    the measured peak of a process; the limit is not below the request."""
    [container] = _job()["spec"]["template"]["spec"]["containers"]
    workers = int(re.search(r"-j (\d+)", " ".join(container["command"]))[1])
    resources = container["resources"]
    assert int(resources["requests"]["cpu"]) == workers == int(resources["limits"]["cpu"])
    assert _megabytes(resources["requests"]["memory"]) >= (workers + 1) * MEGABYTES_A_PROCESS
    assert _megabytes(resources["limits"]["memory"]) >= _megabytes(resources["requests"]["memory"])


def test_the_pods_run_as_the_images_user_and_the_images_name_is_the_one_built():
    user = [rest for keyword, rest in _instructions(DOCKERFILE) if keyword == "USER"][-1]
    documents = list(yaml.safe_load_all(MANIFEST.read_text(encoding="utf-8")))
    pods = [document["spec"] for document in documents if document["kind"] == "Pod"]
    pods += [document["spec"]["template"]["spec"] for document in documents if document["kind"] == "Job"]
    built = re.search(r"docker build -t (\S+) \.", DOCKERFILE.read_text(encoding="utf-8"))[1]
    for pod in pods:
        context = pod["securityContext"]
        assert context["runAsNonRoot"] is True
        assert str(context["runAsUser"]) == str(context["fsGroup"]) == user
        assert {container["image"] for container in pod["containers"]} == {built}


def test_the_ci_matrix_builds_each_shard_of_as_many_as_it_lists():
    """The workflow's matrix lists shards 1 … N, its build step passes `--shard ${{ matrix.shard }}/N`, and
    each shard's PDFs are uploaded under a name of their own. It is an example: not in .github/."""
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    assert not (ROOT / ".github").exists()
    [job] = [job for job in workflow["jobs"].values() if "matrix" in job.get("strategy", {})]
    shards = job["strategy"]["matrix"]["shard"]
    assert shards == list(range(1, len(shards) + 1)) and len(shards) > 1
    runs = "\n".join(step.get("run", "") for step in job["steps"])
    assert f"--shard ${{{{ matrix.shard }}}}/{len(shards)}" in runs
    assert _readme_pango_packages() <= _apt_packages(runs)
    uploads = [step for step in job["steps"] if step.get("uses", "").startswith("actions/upload-artifact@")]
    assert len(uploads) == 1 and "${{ matrix.shard }}" in uploads[0]["with"]["name"]


def test_the_batches_guide_shows_the_files_as_they_are():
    """docs/batches.md quotes the manifest and the workflow whole, so the guide and the files agree."""
    guide = (ROOT / "docs" / "batches.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```ya?ml\n(.*?)```", guide, re.S)
    for path in (MANIFEST, WORKFLOW):
        assert path.read_text(encoding="utf-8") in blocks, path.name
