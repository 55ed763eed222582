# One image, two commands: `temporal-review worker` and `temporal-review gateway`.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1

WORKDIR /app
COPY pyproject.toml README.md ./
COPY workflows ./workflows
COPY activities ./activities
COPY worker ./worker
COPY gateway ./gateway
RUN pip install . && useradd --create-home --uid 10001 review

USER review
ENTRYPOINT ["temporal-review"]
CMD ["worker"]
