# syntax=docker/dockerfile:1
# Multi-stage build: compile in the Rust image, run in a small Debian image as a
# non-root user. The database defaults to a SQLite file in the /data volume; point
# CRM_EMULATOR_DATABASE_URL at Postgres for shared staging (see docker-compose.yml).

FROM rust:1-bookworm AS build
WORKDIR /src
COPY Cargo.toml Cargo.lock ./
COPY src ./src
COPY migrations ./migrations
RUN cargo build --release --locked && strip target/release/crm-emulator

FROM debian:bookworm-slim
RUN useradd --system --uid 10001 --home-dir /data --create-home emulator
COPY --from=build /src/target/release/crm-emulator /usr/local/bin/crm-emulator
USER emulator
WORKDIR /data
ENV CRM_EMULATOR_BIND=0.0.0.0:8080 \
    CRM_EMULATOR_DATABASE_URL=sqlite:///data/crm-emulator.db
EXPOSE 8080
VOLUME ["/data"]
HEALTHCHECK --interval=10s --timeout=5s --start-period=5s --retries=3 \
    CMD ["crm-emulator", "healthcheck", "--addr", "127.0.0.1:8080"]
ENTRYPOINT ["crm-emulator"]
CMD ["serve"]
