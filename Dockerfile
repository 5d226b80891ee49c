# One image for every process of the network: deploy/compose.yaml and deploy/k8s/ choose the command
# (`nameko run … services.<name>.service:<Name>Service`, or `practice-network migrate|backup|restore`).
FROM python:3.11-slim

# WeasyPrint typesets collections and diplomas with Pango and embeds the DejaVu fonts;
# postgresql-client brings pg_dump/pg_restore/psql for `practice-network backup|restore`.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core postgresql-client \
    && rm -rf /var/lib/apt/lists/*

COPY pyproject.toml /src/
COPY application /src/application
COPY shared /src/shared
COPY services /src/services
RUN pip install --no-cache-dir /src && rm -rf /src

# The code runs from site-packages; the one config file sits where every command is told to find it.
COPY deploy/config.yaml /etc/practice-network/config.yaml
ENV PRACTICE_NETWORK_CONFIG=/etc/practice-network/config.yaml \
    PYTHONWARNINGS=ignore::DeprecationWarning \
    PYTHONUNBUFFERED=1

# Created here so that volumes mounted on them start owned by the service user.
RUN useradd --system --uid 10001 --home-dir /var/lib/practice-network practice-network \
    && mkdir -p /var/lib/practice-network /srv/files \
    && chown practice-network /var/lib/practice-network /srv/files
USER 10001
WORKDIR /var/lib/practice-network
EXPOSE 8000
CMD ["practice-network", "--help"]
