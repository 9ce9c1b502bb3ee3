/* An independent echo load generator, to check that `sockkit echo client --connections` is not
 * the bottleneck: same closed loop, written separately in C on plain epoll.
 *
 *   echo_load HOST PORT CONNECTIONS SIZE COUNT TIMEOUT_S
 *
 * Opens CONNECTIONS at once; each sends SIZE bytes, reads their echo (compared byte for byte
 * with what was sent), COUNT times, then shuts its write side and waits for the server's EOF.
 * Gives up when nothing moves for TIMEOUT_S seconds. Prints one JSON line with the keys of
 * sockkit's load summary: mb_per_s (echoed bytes / wall time, connects included),
 * round_trips_per_s, rtt_p50_ms, rtt_p99_ms, completed, failed. Exit 0 only if none failed.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum phase { CONNECTING, ROUND, CLOSING, DONE };

struct conn {
    int fd;
    enum phase phase;
    size_t sent, echoed, rounds;
    size_t start; /* this connection's offset into the pattern */
    double round_started;
    int want_out;
};

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double percentile(const double *sorted, size_t n, double p) {
    if (n == 0) return 0;
    size_t rank = (size_t)((p / 100.0) * (double)n + 0.999999);
    if (rank < 1) rank = 1;
    if (rank > n) rank = n;
    return sorted[rank - 1];
}

int main(int argc, char **argv) {
    if (argc != 7) {
        fprintf(stderr, "usage: echo_load HOST PORT CONNECTIONS SIZE COUNT TIMEOUT_S\n");
        return 2;
    }
    const char *host = argv[1];
    int port = atoi(argv[2]);
    size_t nconn = strtoul(argv[3], NULL, 10), size = strtoul(argv[4], NULL, 10);
    size_t count = strtoul(argv[5], NULL, 10);
    double timeout = atof(argv[6]);
    if (nconn < 1 || size < 1 || count < 1 || timeout <= 0) { fprintf(stderr, "bad arguments\n"); return 2; }
    signal(SIGPIPE, SIG_IGN);

    /* A pseudo-random pattern twice as long as needed, so any connection's slice is contiguous. */
    size_t period = (1u << 20) + 7;
    unsigned char *pattern = malloc(period + size);
    uint64_t x = 0x9E3779B97F4A7C15ull;
    for (size_t i = 0; i < period + size; i++) {
        if (i < period) {
            x ^= x >> 12; x ^= x << 25; x ^= x >> 27;
            pattern[i] = (unsigned char)((x * 0x2545F4914F6CDD1Dull) >> 56);
        } else {
            pattern[i] = pattern[i - period];
        }
    }
    size_t buf_bytes = 64 * 1024;
    unsigned char *buf = malloc(buf_bytes);
    double *lat = malloc(sizeof(double) * nconn * count);
    struct conn *conns = calloc(nconn, sizeof *conns);
    if (!pattern || !buf || !lat || !conns) { perror("malloc"); return 3; }
    size_t nlat = 0, completed = 0, failed = 0, active = 0;
    unsigned long long echoed_total = 0;

    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    if (inet_pton(AF_INET, host, &sa.sin_addr) != 1) { fprintf(stderr, "bad host\n"); return 2; }
    int ep = epoll_create1(EPOLL_CLOEXEC);
    double started = now_s();
    for (size_t i = 0; i < nconn; i++) {
        struct conn *c = &conns[i];
        c->start = (i * 1000003u) % period;
        c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (c->fd < 0) { perror("socket (raise ulimit -n)"); return 3; }
        if (connect(c->fd, (struct sockaddr *)&sa, sizeof sa) != 0 && errno != EINPROGRESS) {
            perror("connect");
            close(c->fd);
            c->phase = DONE;
            failed++;
            continue;
        }
        c->phase = CONNECTING;
        c->want_out = 1;
        struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT, .data.u64 = i};
        epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev);
        active++;
    }

    struct epoll_event events[1024];
    double last_progress = now_s();
    while (active > 0) {
        double left = last_progress + timeout - now_s();
        if (left <= 0) { failed += active; break; }
        int n = epoll_wait(ep, events, 1024, (int)(left * 1000) + 1);
        if (n < 0) { if (errno == EINTR) continue; perror("epoll_wait"); return 3; }
        for (int e = 0; e < n; e++) {
            struct conn *c = &conns[events[e].data.u64];
            int bad = 0;
            if (c->phase == CONNECTING) {
                int err = 0;
                socklen_t l = sizeof err;
                getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &l);
                if (err) { bad = 1; goto finish; }
                c->phase = ROUND;
                c->round_started = now_s();
                last_progress = c->round_started;
            }
            if (c->phase == ROUND && c->sent < size) {
                while (c->sent < size) {
                    ssize_t w = send(c->fd, pattern + (c->start + c->rounds * size + c->sent) % period,
                                     size - c->sent, MSG_NOSIGNAL);
                    if (w < 0) { if (errno == EINTR) continue; if (errno != EAGAIN) bad = 1; break; }
                    c->sent += (size_t)w;
                }
                if (bad) goto finish;
            }
            for (;;) {
                ssize_t r = recv(c->fd, buf, buf_bytes, 0);
                if (r < 0) { if (errno == EINTR) continue; if (errno != EAGAIN) bad = 1; break; }
                if (r == 0) {
                    if (c->phase == CLOSING) { c->phase = DONE; completed++; }
                    else bad = 1;
                    goto finish;
                }
                if (c->phase != ROUND || c->echoed + (size_t)r > c->sent) { bad = 1; goto finish; }
                if (memcmp(buf, pattern + (c->start + c->rounds * size + c->echoed) % period, (size_t)r) != 0) {
                    fprintf(stderr, "echo differs\n");
                    bad = 1;
                    goto finish;
                }
                c->echoed += (size_t)r;
                echoed_total += (unsigned long long)r;
                last_progress = now_s();
                if (c->echoed == size) {
                    lat[nlat++] = last_progress - c->round_started;
                    c->rounds++;
                    c->sent = c->echoed = 0;
                    if (c->rounds == count) {
                        shutdown(c->fd, SHUT_WR);
                        c->phase = CLOSING;
                    } else {
                        c->round_started = last_progress;
                        /* send the next round at once */
                        while (c->sent < size) {
                            ssize_t w = send(c->fd, pattern + (c->start + c->rounds * size + c->sent) % period,
                                             size - c->sent, MSG_NOSIGNAL);
                            if (w < 0) { if (errno == EINTR) continue; if (errno != EAGAIN) bad = 1; break; }
                            c->sent += (size_t)w;
                        }
                        if (bad) goto finish;
                    }
                }
            }
        finish:
            if (bad) { failed++; c->phase = DONE; }
            if (c->phase == DONE) {
                epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
                close(c->fd);
                active--;
                continue;
            }
            /* Ask for EPOLLOUT only while this round still has bytes to send. */
            int want_out = c->phase == CONNECTING || (c->phase == ROUND && c->sent < size);
            if (want_out != c->want_out) {
                struct epoll_event ev = {.events = EPOLLIN | (want_out ? EPOLLOUT : 0),
                                         .data.u64 = events[e].data.u64};
                epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
                c->want_out = want_out;
            }
        }
    }
    double secs = now_s() - started;
    qsort(lat, nlat, sizeof *lat, cmp_double);
    printf("{\"event\":\"summary\",\"tool\":\"echo_load\",\"connections\":%zu,\"completed\":%zu,"
           "\"failed\":%zu,\"round_trips\":%zu,\"bytes_echoed\":%llu,\"duration_ms\":%.3f,"
           "\"mb_per_s\":%.3f,\"round_trips_per_s\":%.3f,\"rtt_p50_ms\":%.4f,\"rtt_p99_ms\":%.4f}\n",
           nconn, completed, failed, nlat, echoed_total, secs * 1000, (double)echoed_total / 1e6 / secs,
           (double)nlat / secs, percentile(lat, nlat, 50) * 1000, percentile(lat, nlat, 99) * 1000);
    return failed ? 1 : 0;
}
