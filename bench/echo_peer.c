/* The minimal echo server and the fixed client for bench/udp.sh and bench/uds.sh.
 *
 *   echo_peer server udp HOST PORT          blocking recvfrom/sendto loop
 *   echo_peer server unix-dgram PATH        (same, on a Unix datagram socket)
 *   echo_peer server unix-stream PATH       accept one client at a time, read/write to EOF
 *   echo_peer server unix-seqpacket PATH    (same, one message per read)
 *   echo_peer client udp HOST PORT SIZE ROUNDS
 *   echo_peer client unix-dgram PATH SIZE ROUNDS
 *   echo_peer client unix-stream PATH SIZE ROUNDS
 *   echo_peer client unix-seqpacket PATH SIZE ROUNDS
 *
 * A server prints "listening on ADDR" once ready. The client does ROUNDS strict ping-pong
 * round trips of SIZE bytes and prints "ROUNDS round trips in SECONDS s: N round trips/s".
 * It is the same client for every server, so the servers are what differs.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static void die(const char *what) { perror(what); exit(3); }

static socklen_t unix_addr(struct sockaddr_un *sun, const char *path) {
    memset(sun, 0, sizeof *sun);
    sun->sun_family = AF_UNIX;
    size_t len = strlen(path);
    if (len >= sizeof sun->sun_path) { fprintf(stderr, "path too long\n"); exit(2); }
    if (path[0] == '@') { /* abstract name */
        memcpy(sun->sun_path + 1, path + 1, len - 1);
        return offsetof(struct sockaddr_un, sun_path) + len;
    }
    memcpy(sun->sun_path, path, len);
    return sizeof *sun;
}

static _Noreturn void serve(const char *kind, char **argv) {
    char buf[65536 * 2];
    int fd;
    if (!strcmp(kind, "udp")) {
        struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons(atoi(argv[1]))};
        inet_pton(AF_INET, argv[0], &sin.sin_addr);
        if ((fd = socket(AF_INET, SOCK_DGRAM, 0)) < 0) die("socket");
        if (bind(fd, (struct sockaddr *)&sin, sizeof sin)) die("bind");
        socklen_t len = sizeof sin;
        getsockname(fd, (struct sockaddr *)&sin, &len);
        printf("listening on %s:%d\n", argv[0], ntohs(sin.sin_port));
    } else {
        struct sockaddr_un sun;
        socklen_t len = unix_addr(&sun, argv[0]);
        int stream = !strcmp(kind, "unix-stream") || !strcmp(kind, "unix-seqpacket");
        int type = !strcmp(kind, "unix-stream") ? SOCK_STREAM : stream ? SOCK_SEQPACKET : SOCK_DGRAM;
        if ((fd = socket(AF_UNIX, type, 0)) < 0) die("socket");
        if (bind(fd, (struct sockaddr *)&sun, len)) die("bind");
        if (stream && listen(fd, 16)) die("listen");
        printf("listening on %s\n", argv[0]);
        fflush(stdout);
        while (stream) {
            int c = accept(fd, NULL, NULL);
            if (c < 0) die("accept");
            ssize_t n;
            while ((n = read(c, buf, sizeof buf)) > 0)
                for (ssize_t off = 0; off < n;) {
                    ssize_t w = write(c, buf + off, n - off);
                    if (w <= 0) break;
                    off += w;
                }
            close(c);
        }
    }
    fflush(stdout);
    for (;;) {
        struct sockaddr_storage from;
        socklen_t fromlen = sizeof from;
        ssize_t n = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&from, &fromlen);
        if (n < 0) continue;
        sendto(fd, buf, n, 0, (struct sockaddr *)&from, fromlen);
    }
}

static int client(const char *kind, char **argv, int argc) {
    int fd, stream = 0;
    int i = 0;
    if (!strcmp(kind, "udp")) {
        struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons(atoi(argv[1]))};
        inet_pton(AF_INET, argv[0], &sin.sin_addr);
        if ((fd = socket(AF_INET, SOCK_DGRAM, 0)) < 0) die("socket");
        if (connect(fd, (struct sockaddr *)&sin, sizeof sin)) die("connect");
        i = 2;
    } else {
        struct sockaddr_un sun;
        socklen_t len = unix_addr(&sun, argv[0]);
        stream = !strcmp(kind, "unix-stream");
        int seqpacket = !strcmp(kind, "unix-seqpacket");
        int type = stream ? SOCK_STREAM : seqpacket ? SOCK_SEQPACKET : SOCK_DGRAM;
        if ((fd = socket(AF_UNIX, type, 0)) < 0) die("socket");
        if (type == SOCK_DGRAM) {
            sa_family_t family = AF_UNIX; /* autobind, so the server can answer */
            if (bind(fd, (struct sockaddr *)&family, sizeof family)) die("autobind");
        }
        if (connect(fd, (struct sockaddr *)&sun, len)) die("connect");
        i = 1;
    }
    if (argc < i + 2) { fprintf(stderr, "need SIZE ROUNDS\n"); exit(2); }
    size_t size = atol(argv[i]);
    long rounds = atol(argv[i + 1]);
    struct timeval tv = {.tv_sec = 2};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    char *out = malloc(size), *in = malloc(size + 1);
    memset(out, 'x', size);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (long r = 0; r < rounds; r++) {
        if (send(fd, out, size, 0) != (ssize_t)size) die("send");
        size_t got = 0;
        do {
            ssize_t n = recv(fd, in + got, size + 1 - got, 0);
            if (n <= 0) die("recv (a lost datagram or a closed stream)");
            got += n;
        } while (stream && got < size);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
    printf("%ld round trips in %.3f s: %.0f round trips/s\n", rounds, secs, rounds / secs);
    return 0;
}

int main(int argc, char **argv) {
    if (argc < 4) { fprintf(stderr, "usage: see the comment at the top of echo_peer.c\n"); return 2; }
    if (!strcmp(argv[1], "server")) serve(argv[2], argv + 3);
    return client(argv[2], argv + 3, argc - 3);
}
