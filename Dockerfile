# syntax=docker/dockerfile:1
# Multi-stage build: compile in the Rust image, run in a small Debian image as a
# non-root user. The database defaults to a SQLite file in the /data volume; point
# CRM_EMULATOR_DATABASE_URL at Postgres for shared staging (see docker-compose.yml).

FROM rust:1-bookworm AS build
WORKDIR /src
# The dependencies first, in a layer of their own that only Cargo.toml, Cargo.lock and
# build.rs invalidate: they are built against an empty crate, so a change to the
# sources rebuilds the emulator alone.
COPY Cargo.toml Cargo.lock build.rs ./
RUN mkdir src && echo 'fn main() {}' >src/main.rs && touch src/lib.rs \
    && cargo build --release --locked \
    && rm -rf src target/release/crm-emulator* target/release/deps/crm_emulator-* \
        target/release/deps/libcrm_emulator-* target/release/.fingerprint/crm-emulator-*
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
# `healthcheck` asks /_emulator/live on the address of CRM_EMULATOR_BIND (a wildcard
# address on loopback), so a container that moves its port stays healthy.
HEALTHCHECK --interval=10s --timeout=5s --start-period=5s --retries=3 \
    CMD ["crm-emulator", "healthcheck"]
ENTRYPOINT ["crm-emulator"]
CMD ["serve"]
