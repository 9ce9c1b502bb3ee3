/* A minimal epoll echo server: the ceiling sockkit's `echo serve` is measured against.
 *
 * One thread, level-triggered epoll, one 64 KiB read buffer shared by all clients. Whatever a
 * write does not take is kept for that client, which then is not read from until it is written
 * (backpressure, as sockkit does). A client's EOF closes it once nothing is owed.
 *
 *   echo_epoll [HOST] [PORT]    defaults 127.0.0.1 0; prints "listening on HOST:PORT" first.
 * Stops on SIGINT/SIGTERM. Built by bench/echo.sh with gcc -O2.
 */
#define _GNU_SOURCE /* accept4 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#define BUF_BYTES (64 * 1024)

struct client {
    char *owed;   /* bytes read but not yet written back */
    size_t off, len;
};

static struct client *clients;
static size_t max_fds;
static volatile sig_atomic_t stop;

static void on_signal(int sig) { (void)sig; stop = 1; }

static void die(const char *what) { perror(what); exit(3); }

static void drop(int ep, int fd) {
    epoll_ctl(ep, EPOLL_CTL_DEL, fd, NULL);
    free(clients[fd].owed);
    memset(&clients[fd], 0, sizeof clients[fd]);
    close(fd);
}

/* Writes what is owed; 1 when nothing is owed any more, 0 when the socket is full, -1 on error. */
static int flush_owed(int fd) {
    struct client *c = &clients[fd];
    while (c->off < c->len) {
        ssize_t n = write(fd, c->owed + c->off, c->len - c->off);
        if (n < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN) return 0;
            return -1;
        }
        c->off += (size_t)n;
    }
    free(c->owed);
    c->owed = NULL;
    c->off = c->len = 0;
    return 1;
}

int main(int argc, char **argv) {
    const char *host = argc > 1 ? argv[1] : "127.0.0.1";
    int port = argc > 2 ? atoi(argv[2]) : 0;
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0) die("getrlimit");
    max_fds = rl.rlim_cur;
    clients = calloc(max_fds, sizeof *clients);
    if (!clients) die("calloc");
    signal(SIGPIPE, SIG_IGN);
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);

    int lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (lfd < 0) die("socket");
    int one = 1;
    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    if (inet_pton(AF_INET, host, &sa.sin_addr) != 1) { fprintf(stderr, "bad host %s\n", host); return 2; }
    if (bind(lfd, (struct sockaddr *)&sa, sizeof sa) != 0) die("bind");
    if (listen(lfd, 1024) != 0) die("listen"); /* sockkit's default backlog too */
    socklen_t slen = sizeof sa;
    getsockname(lfd, (struct sockaddr *)&sa, &slen);
    printf("listening on %s:%d\n", host, ntohs(sa.sin_port));
    fflush(stdout);

    int ep = epoll_create1(EPOLL_CLOEXEC);
    if (ep < 0) die("epoll_create1");
    struct epoll_event ev = {.events = EPOLLIN, .data.fd = lfd};
    if (epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev) != 0) die("epoll_ctl");

    static char buf[BUF_BYTES];
    struct epoll_event events[1024];
    while (!stop) {
        int n = epoll_wait(ep, events, 1024, -1);
        if (n < 0) {
            if (errno == EINTR) continue;
            die("epoll_wait");
        }
        for (int i = 0; i < n; i++) {
            int fd = events[i].data.fd;
            if (fd == lfd) {
                for (;;) {
                    int cfd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
                    if (cfd < 0) break; /* EAGAIN, or EMFILE: retried on the next event */
                    if ((size_t)cfd >= max_fds) { close(cfd); continue; }
                    struct epoll_event cev = {.events = EPOLLIN, .data.fd = cfd};
                    if (epoll_ctl(ep, EPOLL_CTL_ADD, cfd, &cev) != 0) close(cfd);
                }
                continue;
            }
            struct client *c = &clients[fd];
            if (c->owed) { /* EPOLLOUT: the client reads its echo again */
                int r = flush_owed(fd);
                if (r < 0) { drop(ep, fd); continue; }
                if (r == 0) continue;
                struct epoll_event cev = {.events = EPOLLIN, .data.fd = fd};
                epoll_ctl(ep, EPOLL_CTL_MOD, fd, &cev);
                continue;
            }
            ssize_t got = read(fd, buf, sizeof buf);
            if (got < 0 && (errno == EAGAIN || errno == EINTR)) continue;
            if (got <= 0) { drop(ep, fd); continue; }
            ssize_t put = 0;
            while (put < got) {
                ssize_t w = write(fd, buf + put, (size_t)(got - put));
                if (w < 0) {
                    if (errno == EINTR) continue;
                    if (errno != EAGAIN) { put = -1; }
                    break;
                }
                put += w;
            }
            if (put < 0) { drop(ep, fd); continue; }
            if (put < got) { /* keep the tail, stop reading until it is written */
                c->len = (size_t)(got - put);
                c->off = 0;
                c->owed = malloc(c->len);
                if (!c->owed) die("malloc");
                memcpy(c->owed, buf + put, c->len);
                struct epoll_event cev = {.events = EPOLLOUT, .data.fd = fd};
                epoll_ctl(ep, EPOLL_CTL_MOD, fd, &cev);
            }
        }
    }
    return 0;
}
