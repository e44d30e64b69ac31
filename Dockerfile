# healthprint in a container: the tests (the default command) or a build, e.g. one shard of a batch
# split across machines (docs/batches.md).
#
#   docker build -t healthprint:local .
#   docker run --rm healthprint:local                     # python -m pytest, as .ci/run does
#   docker run --rm -v "$PWD/content:/data/content:ro" -v "$PWD/out:/data/out" healthprint:local \
#       healthprint --content /data/content --out /data/out/shard-2 --shard 2/4 -j 2
#
# Debian 12 (bookworm), the system the reference images and reader tolerances were measured on.
FROM python:3.11-slim-bookworm

# Pango for WeasyPrint; Ghostscript, MuPDF and Poppler for the tests, which draw every page with each;
# Chromium for the test that loads the preview page. The same packages as .ci/run and the README name
# (tests/test_batch_recipes.py keeps them in step).
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 \
        ghostscript mupdf-tools poppler-utils chromium \
 && rm -rf /var/lib/apt/lists/*

# The code stays root's and read-only to the user who runs it: no bytecode or pytest cache is written
# beside it (the tests write only to temporary folders).
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTEST_ADDOPTS="-p no:cacheprovider"

WORKDIR /app
COPY . .
# With the test extras, installed from the checkout in place as .ci/run does (-e): `python -m pytest` in
# /app imports the package from /app, and the `healthprint` command works from any folder.
RUN python -m pip install -e ".[test]"

# A numeric user, so that Kubernetes' runAsNonRoot can tell it is not root. The font cache goes to its
# home folder (~/.cache/healthprint) unless HEALTHPRINT_CACHE or --cache says otherwise.
RUN useradd --uid 10001 --user-group --create-home --shell /usr/sbin/nologin healthprint
USER 10001

CMD ["python", "-m", "pytest"]
