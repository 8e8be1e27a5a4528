# The compoundgraph API and web UI. Neo4j runs beside it (docker-compose.yml).
# Stage 1 builds the wheel - the same artefact `pip install` users get, with the queries and the chain
# mappings inside the package; stage 2 installs that wheel and nothing from the source tree.
FROM python:3.11-slim AS wheel
WORKDIR /src
COPY pyproject.toml README.md ./
COPY src ./src
COPY cypher ./cypher
COPY ingest/mappings ./ingest/mappings
RUN pip wheel --no-cache-dir --no-deps --wheel-dir /dist .

FROM python:3.11-slim
RUN apt-get update && apt-get install -y --no-install-recommends build-essential pkg-config libicu-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# exact versions with hashes first (requirements/lock.txt, see docs/security.md), then the wheel itself
COPY requirements/lock.txt ./requirements/lock.txt
RUN pip install --no-cache-dir --require-hashes -r requirements/lock.txt
COPY --from=wheel /dist /dist
RUN pip install --no-cache-dir --no-deps /dist/*.whl && rm -rf /dist
RUN useradd --create-home compoundgraph && mkdir -p /data && chown compoundgraph /data
USER compoundgraph
ENV COMPOUNDGRAPH_EMBEDDED_PATH=/data/compoundgraph.sqlite
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=5s --retries=5 \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=4)"
CMD ["compoundgraph", "serve", "--host", "0.0.0.0", "--port", "8000"]
