# The compoundgraph API and web UI. Neo4j runs beside it (docker-compose.yml).
FROM python:3.11-slim
RUN apt-get update && apt-get install -y --no-install-recommends build-essential pkg-config libicu-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# exact versions with hashes first (requirements/lock.txt, see docs/security.md), then the project itself
COPY requirements/lock.txt ./requirements/lock.txt
RUN pip install --no-cache-dir --require-hashes -r requirements/lock.txt
COPY pyproject.toml README.md ./
COPY src ./src
COPY cypher ./cypher
RUN pip install --no-cache-dir --no-deps .
RUN useradd --create-home compoundgraph && mkdir -p /data && chown compoundgraph /data
USER compoundgraph
ENV COMPOUNDGRAPH_EMBEDDED_PATH=/data/compoundgraph.sqlite
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=5s --retries=5 \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=4)"
CMD ["compoundgraph", "serve", "--host", "0.0.0.0", "--port", "8000"]
