# spanflow container image: built with the same script as the README's build, on Debian bookworm.
FROM debian:bookworm AS build
WORKDIR /src
COPY . .
RUN scripts/install-deps.sh \
 && cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSPANFLOW_TESTS=OFF \
 && cmake --build build --target spanflow \
 && strip build/spanflow

# gRPC, protobuf, yaml-cpp, absl, OpenSSL and zlib are linked in statically (CMakeLists.txt,
# SPANFLOW_STATIC_DEPS); `ldd spanflow` names the rest.
FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libspdlog1.10 ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --no-create-home spanflow \
 && mkdir -p /etc/spanflow /var/lib/spanflow && chown spanflow /var/lib/spanflow
COPY --from=build /src/build/spanflow /usr/bin/spanflow
COPY config/container.yaml /etc/spanflow/config.yaml
USER spanflow
WORKDIR /var/lib/spanflow
EXPOSE 4317 4318 13133 8888
ENTRYPOINT ["/usr/bin/spanflow"]
CMD ["--config", "/etc/spanflow/config.yaml"]
