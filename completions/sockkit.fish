# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_sockkit_global_optspecs
    string join \n json color= q/quiet v/verbose h/help V/version
end

function __fish_sockkit_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_sockkit_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_sockkit_using_subcommand
    set -l cmd (__fish_sockkit_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c sockkit -n "__fish_sockkit_needs_command" -l color -d 'Colour: auto (only on a terminal, off when NO_COLOR is set), always or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c sockkit -n "__fish_sockkit_needs_command" -l json -d 'One JSON object per line on stdout (JSON Lines), each with an "event" field'
complete -c sockkit -n "__fish_sockkit_needs_command" -s q -l quiet -d 'Print only results and summaries'
complete -c sockkit -n "__fish_sockkit_needs_command" -s v -l verbose -d 'Print more (repeat for even more)'
complete -c sockkit -n "__fish_sockkit_needs_command" -s h -l help -d 'Print help'
complete -c sockkit -n "__fish_sockkit_needs_command" -s V -l version -d 'Print version'
complete -c sockkit -n "__fish_sockkit_needs_command" -f -a "echo" -d 'TCP echo server and verifying client'
complete -c sockkit -n "__fish_sockkit_needs_command" -f -a "udp" -d 'UDP echo server and client'
complete -c sockkit -n "__fish_sockkit_needs_command" -f -a "uds" -d 'Echo over Unix domain sockets (paths and @abstract names)'
complete -c sockkit -n "__fish_sockkit_needs_command" -f -a "http" -d 'HTTP/1.1 client written directly on a socket'
complete -c sockkit -n "__fish_sockkit_needs_command" -f -a "ping" -d 'ICMP echo (IPv4 and IPv6), many hosts at once'
complete -c sockkit -n "__fish_sockkit_needs_command" -f -a "states" -d 'TCP sockets by state, from /proc/net/tcp and tcp6'
complete -c sockkit -n "__fish_sockkit_needs_command" -f -a "generate" -d 'Writes completions/ and man/ from this definition (for maintainers)'
complete -c sockkit -n "__fish_sockkit_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c sockkit -n "__fish_sockkit_using_subcommand echo; and not __fish_seen_subcommand_from serve client help" -l color -d 'Colour: auto (only on a terminal, off when NO_COLOR is set), always or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c sockkit -n "__fish_sockkit_using_subcommand echo; and not __fish_seen_subcommand_from serve client help" -l json -d 'One JSON object per line on stdout (JSON Lines), each with an "event" field'
complete -c sockkit -n "__fish_sockkit_using_subcommand echo; and not __fish_seen_subcommand_from serve client help" -s q -l quiet -d 'Print only results and summaries'
complete -c sockkit -n "__fish_sockkit_using_subcommand echo; and not __fish_seen_subcommand_from serve client help" -s v -l verbose -d 'Print more (repeat for even more)'
complete -c sockkit -n "__fish_sockkit_using_subcommand echo; and not __fish_seen_subcommand_from serve client help" -s h -l help -d 'Print help'
complete -c sockkit -n "__fish_sockkit_using_subcommand echo; and not __fish_seen_subcommand_from serve client help" -s V -l version -d 'Print version'
complete -c sockkit -n "__fish_sockkit_using_subcommand echo; and not __fish_seen_subcommand_from serve client help" -f -a "serve" -d 'Echo every byte back to every client, many at once on one event loop'
complete -c sockkit -n "__fish_sockkit_using_subcommand echo; and not __fish_seen_subcommand_from serve client help" -f -a "client" -d 'Send bytes, read the echo to EOF and verify every byte; or generate load'
complete -c sockkit -n "__fish_sockkit_using_subcommand echo; and not __fish_seen_subcommand_from serve client help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c sockkit -n "__fish_sockkit_using_subcommand echo; and __fish_seen_subcommand_from serve" -l max-clients -d 'Serve at most N clients at once; others wait in the listen backlog' -r
complete -c sockkit -n "__fish_sockkit_using_subcommand echo; and __fish_seen_subcommand_from serve" -l idle-timeout -d 'Close a client that sends nothing for this long' -r
complete -c sockkit -n "__fish_sockkit_using_subcommand echo; and __fish_seen_subcommand_from serve" -l exit-after -d 'Stop after N clients have come and gone; a datagram server (uds serve --dgram) has no clients and stops after N datagrams have arrived' -r
complete -c sockkit -n "__fish_sockkit_using_subcommand echo; and __fish_seen_subcommand_from serve" -l keepalive -d 'SO_KEEPALIVE, with the idle time before the first probe when given (--keepalive=30s)' -r
complete -c sockkit -n "__fish_sockkit_using_subcommand echo; and __fish_seen_subcommand_from serve" -l linger -d 'SO_LINGER in seconds; 0 makes close() send RST and drop unsent data' -r
complete -c sockkit -n "__fish_sockkit_using_subcommand echo; and __fish_seen_subcommand_from serve" -l rcvbuf -d 'SO_RCVBUF (the kernel doubles it and enforces a minimum)' -r
complete -c sockkit -n "__fish_sockkit_using_subcommand echo; and __fish_seen_subcommand_from serve" -l sndbuf -d 'SO_SNDBUF (the kernel doubles it and enforces a minimum)' -r
complete -c sockkit -n "__fish_sockkit_using_subcommand echo; and __fish_seen_subcommand_from serve" -l ttl -d 'IP_TTL / IPV6_UNICAST_HOPS of packets sent' -r
complete -c sockkit -n "__fish_sockkit_using_subcommand echo; and __fish_seen_subcommand_from serve" -l bind -d 'Source address of a client (HOST or HOST:PORT)' -r
complete -c sockkit -n "__fish_sockkit_using_subcommand echo; and __fish_seen_subcommand_from serve" -l backlog -d 'listen() backlog: connections the kernel completes before they are accepted' -r
complete -c sockkit -n "__fish_sockkit_using_subcommand echo; and __fish_seen_subcommand_from serve" -l timeout -d 'Give up after this long without progress (500ms, 2s, 0.2)' -r
complete -c sockkit -n "__fish_sockkit_using_subcommand echo; and __fish_seen_subcommand_from serve" -l color -d 'Colour: auto (only on a terminal, off when NO_COLOR is set), always or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c sockkit -n "__fish_sockkit_using_subcommand echo; and __fish_seen_subcommand_from serve" -l reuseaddr -d 'SO_REUSEADDR: bind even while old connections on the port sit in TIME_WAIT'
complete -c sockkit -n "__fish_sockkit_using_subcommand echo; and __fish_seen_subcommand_from serve" -l reuseport -d 'SO_REUSEPORT: let several sockets bind the same port (the kernel spreads clients)'
complete -c sockkit -n "__fish_sockkit_using_subcommand echo; and __fish_seen_subcommand_from serve" -l nodelay -d 'TCP_NODELAY: send small writes at once instead of waiting to coalesce them (Nagle)'
complete -c sockkit -n "__fish_sockkit_using_subcommand echo; and __fish_seen_subcommand_from serve" -l v6only -d 'IPV6_V6ONLY: an IPv6 listener does not also accept IPv4 clients'
complete -c sockkit -n "__fish_sockkit_using_subcommand echo; and __fish_seen_subcommand_from serve" -s 4 -d 'Resolve names to IPv4 only'
complete -c sockkit -n "__fish_sockkit_using_subcommand echo; and __fish_seen_subcommand_from serve" -s 6 -d 'Resolve names to IPv6 only'
complete -c sockkit -n "__fish_sockkit_using_subcommand echo; and __fish_seen_subcommand_from serve" -l json -d 'One JSON object per line on stdout (JSON Lines), each with an "event" field'
complete -c sockkit -n "__fish_sockkit_using_subcommand echo; and __fish_seen_subcommand_from serve" -s q -l quiet -d 'Print only results and summaries'
complete -c sockkit -n "__fish_sockkit_using_subcommand echo; and __fish_seen_subcommand_from serve" -s v -l verbose -d 'Print more (repeat for even more)'
complete -c sockkit -n "__fish_sockkit_using_subcommand echo; and __fish_seen_subcommand_from serve" -s h -l help -d 'Print help'
complete -c sockkit -n "__fish_sockkit_using_subcommand echo; and __fish_seen_subcommand_from serve" -s V -l version -d 'Print version'
complete -c sockkit -n "__fish_sockkit_using_subcommand echo; and __fish_seen_subcommand_from client" -l size -d 'Send BYTES of generated data instead of MESSAGE (per round with --connections)' -r
complete -c sockkit -n "__fish_sockkit_using_subcommand echo; and __fish_seen_subcommand_from client" -l count -d 'Round trips per connection (each sends --size bytes and waits for their echo)' -r
complete -c sockkit -n "__fish_sockkit_using_subcommand echo; and __fish_seen_subcommand_from client" -l connections -d 'Open N connections at once and report throughput and latency percentiles' -r
complete -c sockkit -n "__fish_sockkit_using_subcommand echo; and __fish_seen_subcommand_from client" -l keepalive -d 'SO_KEEPALIVE, with the idle time before the first probe when given (--keepalive=30s)' -r
complete -c sockkit -n "__fish_sockkit_using_subcommand echo; and __fish_seen_subcommand_from client" -l linger -d 'SO_LINGER in seconds; 0 makes close() send RST and drop unsent data' -r
complete -c sockkit -n "__fish_sockkit_using_subcommand echo; and __fish_seen_subcommand_from client" -l rcvbuf -d 'SO_RCVBUF (the kernel doubles it and enforces a minimum)' -r
complete -c sockkit -n "__fish_sockkit_using_subcommand echo; and __fish_seen_subcommand_from client" -l sndbuf -d 'SO_SNDBUF (the kernel doubles it and enforces a minimum)' -r
complete -c sockkit -n "__fish_sockkit_using_subcommand echo; and __fish_seen_subcommand_from client" -l ttl -d 'IP_TTL / IPV6_UNICAST_HOPS of packets sent' -r
complete -c sockkit -n "__fish_sockkit_using_subcommand echo; and __fish_seen_subcommand_from client" -l bind -d 'Source address of a client (HOST or HOST:PORT)' -r
complete -c sockkit -n "__fish_sockkit_using_subcommand echo; and __fish_seen_subcommand_from client" -l backlog -d 'listen() backlog: connections the kernel completes before they are accepted' -r
complete -c sockkit -n "__fish_sockkit_using_subcommand echo; and __fish_seen_subcommand_from client" -l timeout -d 'Give up after this long without progress (500ms, 2s, 0.2)' -r
complete -c sockkit -n "__fish_sockkit_using_subcommand echo; and __fish_seen_subcommand_from client" -l color -d 'Colour: auto (only on a terminal, off when NO_COLOR is set), always or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c sockkit -n "__fish_sockkit_using_subcommand echo; and __fish_seen_subcommand_from client" -l trace -d 'Print every send/recv syscall and what it returned'
complete -c sockkit -n "__fish_sockkit_using_subcommand echo; and __fish_seen_subcommand_from client" -l no-half-close -d 'Keep the write side open and stop once every byte is back (for servers that close on EOF before echoing, such as `ncat --exec`)'
complete -c sockkit -n "__fish_sockkit_using_subcommand echo; and __fish_seen_subcommand_from client" -l reuseaddr -d 'SO_REUSEADDR: bind even while old connections on the port sit in TIME_WAIT'
complete -c sockkit -n "__fish_sockkit_using_subcommand echo; and __fish_seen_subcommand_from client" -l reuseport -d 'SO_REUSEPORT: let several sockets bind the same port (the kernel spreads clients)'
complete -c sockkit -n "__fish_sockkit_using_subcommand echo; and __fish_seen_subcommand_from client" -l nodelay -d 'TCP_NODELAY: send small writes at once instead of waiting to coalesce them (Nagle)'
complete -c sockkit -n "__fish_sockkit_using_subcommand echo; and __fish_seen_subcommand_from client" -l v6only -d 'IPV6_V6ONLY: an IPv6 listener does not also accept IPv4 clients'
complete -c sockkit -n "__fish_sockkit_using_subcommand echo; and __fish_seen_subcommand_from client" -s 4 -d 'Resolve names to IPv4 only'
complete -c sockkit -n "__fish_sockkit_using_subcommand echo; and __fish_seen_subcommand_from client" -s 6 -d 'Resolve names to IPv6 only'
complete -c sockkit -n "__fish_sockkit_using_subcommand echo; and __fish_seen_subcommand_from client" -l json -d 'One JSON object per line on stdout (JSON Lines), each with an "event" field'
complete -c sockkit -n "__fish_sockkit_using_subcommand echo; and __fish_seen_subcommand_from client" -s q -l quiet -d 'Print only results and summaries'
complete -c sockkit -n "__fish_sockkit_using_subcommand echo; and __fish_seen_subcommand_from client" -s v -l verbose -d 'Print more (repeat for even more)'
complete -c sockkit -n "__fish_sockkit_using_subcommand echo; and __fish_seen_subcommand_from client" -s h -l help -d 'Print help'
complete -c sockkit -n "__fish_sockkit_using_subcommand echo; and __fish_seen_subcommand_from client" -s V -l version -d 'Print version'
complete -c sockkit -n "__fish_sockkit_using_subcommand echo; and __fish_seen_subcommand_from help" -f -a "serve" -d 'Echo every byte back to every client, many at once on one event loop'
complete -c sockkit -n "__fish_sockkit_using_subcommand echo; and __fish_seen_subcommand_from help" -f -a "client" -d 'Send bytes, read the echo to EOF and verify every byte; or generate load'
complete -c sockkit -n "__fish_sockkit_using_subcommand echo; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c sockkit -n "__fish_sockkit_using_subcommand udp; and not __fish_seen_subcommand_from serve client help" -l color -d 'Colour: auto (only on a terminal, off when NO_COLOR is set), always or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c sockkit -n "__fish_sockkit_using_subcommand udp; and not __fish_seen_subcommand_from serve client help" -l json -d 'One JSON object per line on stdout (JSON Lines), each with an "event" field'
complete -c sockkit -n "__fish_sockkit_using_subcommand udp; and not __fish_seen_subcommand_from serve client help" -s q -l quiet -d 'Print only results and summaries'
complete -c sockkit -n "__fish_sockkit_using_subcommand udp; and not __fish_seen_subcommand_from serve client help" -s v -l verbose -d 'Print more (repeat for even more)'
complete -c sockkit -n "__fish_sockkit_using_subcommand udp; and not __fish_seen_subcommand_from serve client help" -s h -l help -d 'Print help'
complete -c sockkit -n "__fish_sockkit_using_subcommand udp; and not __fish_seen_subcommand_from serve client help" -s V -l version -d 'Print version'
complete -c sockkit -n "__fish_sockkit_using_subcommand udp; and not __fish_seen_subcommand_from serve client help" -f -a "serve" -d 'Echo each datagram back to its sender'
complete -c sockkit -n "__fish_sockkit_using_subcommand udp; and not __fish_seen_subcommand_from serve client help" -f -a "client" -d 'Send numbered datagrams and match their echoes'
complete -c sockkit -n "__fish_sockkit_using_subcommand udp; and not __fish_seen_subcommand_from serve client help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c sockkit -n "__fish_sockkit_using_subcommand udp; and __fish_seen_subcommand_from serve" -l buffer -d 'Largest datagram received whole; a longer one is reported as truncated and not echoed' -r
complete -c sockkit -n "__fish_sockkit_using_subcommand udp; and __fish_seen_subcommand_from serve" -l exit-after -d 'Stop after N datagrams have arrived (echoed or not)' -r
complete -c sockkit -n "__fish_sockkit_using_subcommand udp; and __fish_seen_subcommand_from serve" -l keepalive -d 'SO_KEEPALIVE, with the idle time before the first probe when given (--keepalive=30s)' -r
complete -c sockkit -n "__fish_sockkit_using_subcommand udp; and __fish_seen_subcommand_from serve" -l linger -d 'SO_LINGER in seconds; 0 makes close() send RST and drop unsent data' -r
complete -c sockkit -n "__fish_sockkit_using_subcommand udp; and __fish_seen_subcommand_from serve" -l rcvbuf -d 'SO_RCVBUF (the kernel doubles it and enforces a minimum)' -r
complete -c sockkit -n "__fish_sockkit_using_subcommand udp; and __fish_seen_subcommand_from serve" -l sndbuf -d 'SO_SNDBUF (the kernel doubles it and enforces a minimum)' -r
complete -c sockkit -n "__fish_sockkit_using_subcommand udp; and __fish_seen_subcommand_from serve" -l ttl -d 'IP_TTL / IPV6_UNICAST_HOPS of packets sent' -r
complete -c sockkit -n "__fish_sockkit_using_subcommand udp; and __fish_seen_subcommand_from serve" -l bind -d 'Source address of a client (HOST or HOST:PORT)' -r
complete -c sockkit -n "__fish_sockkit_using_subcommand udp; and __fish_seen_subcommand_from serve" -l backlog -d 'listen() backlog: connections the kernel completes before they are accepted' -r
complete -c sockkit -n "__fish_sockkit_using_subcommand udp; and __fish_seen_subcommand_from serve" -l timeout -d 'Give up after this long without progress (500ms, 2s, 0.2)' -r
complete -c sockkit -n "__fish_sockkit_using_subcommand udp; and __fish_seen_subcommand_from serve" -l color -d 'Colour: auto (only on a terminal, off when NO_COLOR is set), always or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c sockkit -n "__fish_sockkit_using_subcommand udp; and __fish_seen_subcommand_from serve" -l reuseaddr -d 'SO_REUSEADDR: bind even while old connections on the port sit in TIME_WAIT'
complete -c sockkit -n "__fish_sockkit_using_subcommand udp; and __fish_seen_subcommand_from serve" -l reuseport -d 'SO_REUSEPORT: let several sockets bind the same port (the kernel spreads clients)'
complete -c sockkit -n "__fish_sockkit_using_subcommand udp; and __fish_seen_subcommand_from serve" -l nodelay -d 'TCP_NODELAY: send small writes at once instead of waiting to coalesce them (Nagle)'
complete -c sockkit -n "__fish_sockkit_using_subcommand udp; and __fish_seen_subcommand_from serve" -l v6only -d 'IPV6_V6ONLY: an IPv6 listener does not also accept IPv4 clients'
complete -c sockkit -n "__fish_sockkit_using_subcommand udp; and __fish_seen_subcommand_from serve" -s 4 -d 'Resolve names to IPv4 only'
complete -c sockkit -n "__fish_sockkit_using_subcommand udp; and __fish_seen_subcommand_from serve" -s 6 -d 'Resolve names to IPv6 only'
complete -c sockkit -n "__fish_sockkit_using_subcommand udp; and __fish_seen_subcommand_from serve" -l json -d 'One JSON object per line on stdout (JSON Lines), each with an "event" field'
complete -c sockkit -n "__fish_sockkit_using_subcommand udp; and __fish_seen_subcommand_from serve" -s q -l quiet -d 'Print only results and summaries'
complete -c sockkit -n "__fish_sockkit_using_subcommand udp; and __fish_seen_subcommand_from serve" -s v -l verbose -d 'Print more (repeat for even more)'
complete -c sockkit -n "__fish_sockkit_using_subcommand udp; and __fish_seen_subcommand_from serve" -s h -l help -d 'Print help'
complete -c sockkit -n "__fish_sockkit_using_subcommand udp; and __fish_seen_subcommand_from serve" -s V -l version -d 'Print version'
complete -c sockkit -n "__fish_sockkit_using_subcommand udp; and __fish_seen_subcommand_from client" -s c -l count -d 'Datagrams to send' -r
complete -c sockkit -n "__fish_sockkit_using_subcommand udp; and __fish_seen_subcommand_from client" -s s -l size -d 'Bytes per datagram, sequence header included (IPv4 allows 65507, IPv6 65527)' -r
complete -c sockkit -n "__fish_sockkit_using_subcommand udp; and __fish_seen_subcommand_from client" -s i -l interval -d 'Time between datagrams, like ping -i; 0 sends each as soon as the last is answered (or 10ms passed), like ping -f' -r
complete -c sockkit -n "__fish_sockkit_using_subcommand udp; and __fish_seen_subcommand_from client" -l buffer -d 'Largest reply received whole; a longer one is reported as truncated' -r
complete -c sockkit -n "__fish_sockkit_using_subcommand udp; and __fish_seen_subcommand_from client" -l keepalive -d 'SO_KEEPALIVE, with the idle time before the first probe when given (--keepalive=30s)' -r
complete -c sockkit -n "__fish_sockkit_using_subcommand udp; and __fish_seen_subcommand_from client" -l linger -d 'SO_LINGER in seconds; 0 makes close() send RST and drop unsent data' -r
complete -c sockkit -n "__fish_sockkit_using_subcommand udp; and __fish_seen_subcommand_from client" -l rcvbuf -d 'SO_RCVBUF (the kernel doubles it and enforces a minimum)' -r
complete -c sockkit -n "__fish_sockkit_using_subcommand udp; and __fish_seen_subcommand_from client" -l sndbuf -d 'SO_SNDBUF (the kernel doubles it and enforces a minimum)' -r
complete -c sockkit -n "__fish_sockkit_using_subcommand udp; and __fish_seen_subcommand_from client" -l ttl -d 'IP_TTL / IPV6_UNICAST_HOPS of packets sent' -r
complete -c sockkit -n "__fish_sockkit_using_subcommand udp; and __fish_seen_subcommand_from client" -l bind -d 'Source address of a client (HOST or HOST:PORT)' -r
complete -c sockkit -n "__fish_sockkit_using_subcommand udp; and __fish_seen_subcommand_from client" -l backlog -d 'listen() backlog: connections the kernel completes before they are accepted' -r
complete -c sockkit -n "__fish_sockkit_using_subcommand udp; and __fish_seen_subcommand_from client" -l timeout -d 'Give up after this long without progress (500ms, 2s, 0.2)' -r
complete -c sockkit -n "__fish_sockkit_using_subcommand udp; and __fish_seen_subcommand_from client" -l color -d 'Colour: auto (only on a terminal, off when NO_COLOR is set), always or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c sockkit -n "__fish_sockkit_using_subcommand udp; and __fish_seen_subcommand_from client" -l trace -d 'Print every send/recv syscall and what it returned (datagrams keep their boundaries)'
complete -c sockkit -n "__fish_sockkit_using_subcommand udp; and __fish_seen_subcommand_from client" -l reuseaddr -d 'SO_REUSEADDR: bind even while old connections on the port sit in TIME_WAIT'
complete -c sockkit -n "__fish_sockkit_using_subcommand udp; and __fish_seen_subcommand_from client" -l reuseport -d 'SO_REUSEPORT: let several sockets bind the same port (the kernel spreads clients)'
complete -c sockkit -n "__fish_sockkit_using_subcommand udp; and __fish_seen_subcommand_from client" -l nodelay -d 'TCP_NODELAY: send small writes at once instead of waiting to coalesce them (Nagle)'
complete -c sockkit -n "__fish_sockkit_using_subcommand udp; and __fish_seen_subcommand_from client" -l v6only -d 'IPV6_V6ONLY: an IPv6 listener does not also accept IPv4 clients'
complete -c sockkit -n "__fish_sockkit_using_subcommand udp; and __fish_seen_subcommand_from client" -s 4 -d 'Resolve names to IPv4 only'
complete -c sockkit -n "__fish_sockkit_using_subcommand udp; and __fish_seen_subcommand_from client" -s 6 -d 'Resolve names to IPv6 only'
complete -c sockkit -n "__fish_sockkit_using_subcommand udp; and __fish_seen_subcommand_from client" -l json -d 'One JSON object per line on stdout (JSON Lines), each with an "event" field'
complete -c sockkit -n "__fish_sockkit_using_subcommand udp; and __fish_seen_subcommand_from client" -s q -l quiet -d 'Print only results and summaries'
complete -c sockkit -n "__fish_sockkit_using_subcommand udp; and __fish_seen_subcommand_from client" -s v -l verbose -d 'Print more (repeat for even more)'
complete -c sockkit -n "__fish_sockkit_using_subcommand udp; and __fish_seen_subcommand_from client" -s h -l help -d 'Print help'
complete -c sockkit -n "__fish_sockkit_using_subcommand udp; and __fish_seen_subcommand_from client" -s V -l version -d 'Print version'
complete -c sockkit -n "__fish_sockkit_using_subcommand udp; and __fish_seen_subcommand_from help" -f -a "serve" -d 'Echo each datagram back to its sender'
complete -c sockkit -n "__fish_sockkit_using_subcommand udp; and __fish_seen_subcommand_from help" -f -a "client" -d 'Send numbered datagrams and match their echoes'
complete -c sockkit -n "__fish_sockkit_using_subcommand udp; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c sockkit -n "__fish_sockkit_using_subcommand uds; and not __fish_seen_subcommand_from serve client help" -l color -d 'Colour: auto (only on a terminal, off when NO_COLOR is set), always or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c sockkit -n "__fish_sockkit_using_subcommand uds; and not __fish_seen_subcommand_from serve client help" -l json -d 'One JSON object per line on stdout (JSON Lines), each with an "event" field'
complete -c sockkit -n "__fish_sockkit_using_subcommand uds; and not __fish_seen_subcommand_from serve client help" -s q -l quiet -d 'Print only results and summaries'
complete -c sockkit -n "__fish_sockkit_using_subcommand uds; and not __fish_seen_subcommand_from serve client help" -s v -l verbose -d 'Print more (repeat for even more)'
complete -c sockkit -n "__fish_sockkit_using_subcommand uds; and not __fish_seen_subcommand_from serve client help" -s h -l help -d 'Print help'
complete -c sockkit -n "__fish_sockkit_using_subcommand uds; and not __fish_seen_subcommand_from serve client help" -s V -l version -d 'Print version'
complete -c sockkit -n "__fish_sockkit_using_subcommand uds; and not __fish_seen_subcommand_from serve client help" -f -a "serve" -d 'Echo server on a Unix socket path or @abstract name'
complete -c sockkit -n "__fish_sockkit_using_subcommand uds; and not __fish_seen_subcommand_from serve client help" -f -a "client" -d 'Verifying client for a Unix socket'
complete -c sockkit -n "__fish_sockkit_using_subcommand uds; and not __fish_seen_subcommand_from serve client help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c sockkit -n "__fish_sockkit_using_subcommand uds; and __fish_seen_subcommand_from serve" -l mode -d 'Permissions of the socket file, in octal (0600: only this user may connect)' -r
complete -c sockkit -n "__fish_sockkit_using_subcommand uds; and __fish_seen_subcommand_from serve" -l max-clients -d 'Serve at most N clients at once; others wait in the listen backlog' -r
complete -c sockkit -n "__fish_sockkit_using_subcommand uds; and __fish_seen_subcommand_from serve" -l idle-timeout -d 'Close a client that sends nothing for this long' -r
complete -c sockkit -n "__fish_sockkit_using_subcommand uds; and __fish_seen_subcommand_from serve" -l exit-after -d 'Stop after N clients have come and gone; a datagram server (uds serve --dgram) has no clients and stops after N datagrams have arrived' -r
complete -c sockkit -n "__fish_sockkit_using_subcommand uds; and __fish_seen_subcommand_from serve" -l buffer -d 'Largest message received whole with --dgram/--seqpacket; longer ones are reported, not echoed' -r
complete -c sockkit -n "__fish_sockkit_using_subcommand uds; and __fish_seen_subcommand_from serve" -l keepalive -d 'SO_KEEPALIVE, with the idle time before the first probe when given (--keepalive=30s)' -r
complete -c sockkit -n "__fish_sockkit_using_subcommand uds; and __fish_seen_subcommand_from serve" -l linger -d 'SO_LINGER in seconds; 0 makes close() send RST and drop unsent data' -r
complete -c sockkit -n "__fish_sockkit_using_subcommand uds; and __fish_seen_subcommand_from serve" -l rcvbuf -d 'SO_RCVBUF (the kernel doubles it and enforces a minimum)' -r
complete -c sockkit -n "__fish_sockkit_using_subcommand uds; and __fish_seen_subcommand_from serve" -l sndbuf -d 'SO_SNDBUF (the kernel doubles it and enforces a minimum)' -r
complete -c sockkit -n "__fish_sockkit_using_subcommand uds; and __fish_seen_subcommand_from serve" -l ttl -d 'IP_TTL / IPV6_UNICAST_HOPS of packets sent' -r
complete -c sockkit -n "__fish_sockkit_using_subcommand uds; and __fish_seen_subcommand_from serve" -l bind -d 'Source address of a client (HOST or HOST:PORT)' -r
complete -c sockkit -n "__fish_sockkit_using_subcommand uds; and __fish_seen_subcommand_from serve" -l backlog -d 'listen() backlog: connections the kernel completes before they are accepted' -r
complete -c sockkit -n "__fish_sockkit_using_subcommand uds; and __fish_seen_subcommand_from serve" -l timeout -d 'Give up after this long without progress (500ms, 2s, 0.2)' -r
complete -c sockkit -n "__fish_sockkit_using_subcommand uds; and __fish_seen_subcommand_from serve" -l color -d 'Colour: auto (only on a terminal, off when NO_COLOR is set), always or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c sockkit -n "__fish_sockkit_using_subcommand uds; and __fish_seen_subcommand_from serve" -l dgram -d 'SOCK_DGRAM: datagrams, no connection'
complete -c sockkit -n "__fish_sockkit_using_subcommand uds; and __fish_seen_subcommand_from serve" -l seqpacket -d 'SOCK_SEQPACKET: a connection that keeps message boundaries'
complete -c sockkit -n "__fish_sockkit_using_subcommand uds; and __fish_seen_subcommand_from serve" -l unlink -d 'Replace a stale socket file (never a live server\'s, never a file that is not a socket)'
complete -c sockkit -n "__fish_sockkit_using_subcommand uds; and __fish_seen_subcommand_from serve" -l reuseaddr -d 'SO_REUSEADDR: bind even while old connections on the port sit in TIME_WAIT'
complete -c sockkit -n "__fish_sockkit_using_subcommand uds; and __fish_seen_subcommand_from serve" -l reuseport -d 'SO_REUSEPORT: let several sockets bind the same port (the kernel spreads clients)'
complete -c sockkit -n "__fish_sockkit_using_subcommand uds; and __fish_seen_subcommand_from serve" -l nodelay -d 'TCP_NODELAY: send small writes at once instead of waiting to coalesce them (Nagle)'
complete -c sockkit -n "__fish_sockkit_using_subcommand uds; and __fish_seen_subcommand_from serve" -l v6only -d 'IPV6_V6ONLY: an IPv6 listener does not also accept IPv4 clients'
complete -c sockkit -n "__fish_sockkit_using_subcommand uds; and __fish_seen_subcommand_from serve" -s 4 -d 'Resolve names to IPv4 only'
complete -c sockkit -n "__fish_sockkit_using_subcommand uds; and __fish_seen_subcommand_from serve" -s 6 -d 'Resolve names to IPv6 only'
complete -c sockkit -n "__fish_sockkit_using_subcommand uds; and __fish_seen_subcommand_from serve" -l json -d 'One JSON object per line on stdout (JSON Lines), each with an "event" field'
complete -c sockkit -n "__fish_sockkit_using_subcommand uds; and __fish_seen_subcommand_from serve" -s q -l quiet -d 'Print only results and summaries'
complete -c sockkit -n "__fish_sockkit_using_subcommand uds; and __fish_seen_subcommand_from serve" -s v -l verbose -d 'Print more (repeat for even more)'
complete -c sockkit -n "__fish_sockkit_using_subcommand uds; and __fish_seen_subcommand_from serve" -s h -l help -d 'Print help'
complete -c sockkit -n "__fish_sockkit_using_subcommand uds; and __fish_seen_subcommand_from serve" -s V -l version -d 'Print version'
complete -c sockkit -n "__fish_sockkit_using_subcommand uds; and __fish_seen_subcommand_from client" -l size -d 'Send BYTES of generated data instead of MESSAGE (per round with --connections)' -r
complete -c sockkit -n "__fish_sockkit_using_subcommand uds; and __fish_seen_subcommand_from client" -l count -d 'Round trips per connection (each sends --size bytes and waits for their echo)' -r
complete -c sockkit -n "__fish_sockkit_using_subcommand uds; and __fish_seen_subcommand_from client" -l connections -d 'Open N connections at once and report throughput and latency percentiles' -r
complete -c sockkit -n "__fish_sockkit_using_subcommand uds; and __fish_seen_subcommand_from client" -s i -l interval -d 'Time between datagrams, like ping -i; 0 sends each as soon as the last is answered (or 10ms passed), like ping -f' -r
complete -c sockkit -n "__fish_sockkit_using_subcommand uds; and __fish_seen_subcommand_from client" -l buffer -d 'Largest reply received whole; a longer one is reported as truncated' -r
complete -c sockkit -n "__fish_sockkit_using_subcommand uds; and __fish_seen_subcommand_from client" -l keepalive -d 'SO_KEEPALIVE, with the idle time before the first probe when given (--keepalive=30s)' -r
complete -c sockkit -n "__fish_sockkit_using_subcommand uds; and __fish_seen_subcommand_from client" -l linger -d 'SO_LINGER in seconds; 0 makes close() send RST and drop unsent data' -r
complete -c sockkit -n "__fish_sockkit_using_subcommand uds; and __fish_seen_subcommand_from client" -l rcvbuf -d 'SO_RCVBUF (the kernel doubles it and enforces a minimum)' -r
complete -c sockkit -n "__fish_sockkit_using_subcommand uds; and __fish_seen_subcommand_from client" -l sndbuf -d 'SO_SNDBUF (the kernel doubles it and enforces a minimum)' -r
complete -c sockkit -n "__fish_sockkit_using_subcommand uds; and __fish_seen_subcommand_from client" -l ttl -d 'IP_TTL / IPV6_UNICAST_HOPS of packets sent' -r
complete -c sockkit -n "__fish_sockkit_using_subcommand uds; and __fish_seen_subcommand_from client" -l bind -d 'Source address of a client (HOST or HOST:PORT)' -r
complete -c sockkit -n "__fish_sockkit_using_subcommand uds; and __fish_seen_subcommand_from client" -l backlog -d 'listen() backlog: connections the kernel completes before they are accepted' -r
complete -c sockkit -n "__fish_sockkit_using_subcommand uds; and __fish_seen_subcommand_from client" -l timeout -d 'Give up after this long without progress (500ms, 2s, 0.2)' -r
complete -c sockkit -n "__fish_sockkit_using_subcommand uds; and __fish_seen_subcommand_from client" -l color -d 'Colour: auto (only on a terminal, off when NO_COLOR is set), always or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c sockkit -n "__fish_sockkit_using_subcommand uds; and __fish_seen_subcommand_from client" -l dgram -d 'SOCK_DGRAM: datagrams, no connection'
complete -c sockkit -n "__fish_sockkit_using_subcommand uds; and __fish_seen_subcommand_from client" -l seqpacket -d 'SOCK_SEQPACKET: a connection that keeps message boundaries'
complete -c sockkit -n "__fish_sockkit_using_subcommand uds; and __fish_seen_subcommand_from client" -l trace -d 'Print every send/recv syscall and what it returned (datagrams keep their boundaries)'
complete -c sockkit -n "__fish_sockkit_using_subcommand uds; and __fish_seen_subcommand_from client" -l reuseaddr -d 'SO_REUSEADDR: bind even while old connections on the port sit in TIME_WAIT'
complete -c sockkit -n "__fish_sockkit_using_subcommand uds; and __fish_seen_subcommand_from client" -l reuseport -d 'SO_REUSEPORT: let several sockets bind the same port (the kernel spreads clients)'
complete -c sockkit -n "__fish_sockkit_using_subcommand uds; and __fish_seen_subcommand_from client" -l nodelay -d 'TCP_NODELAY: send small writes at once instead of waiting to coalesce them (Nagle)'
complete -c sockkit -n "__fish_sockkit_using_subcommand uds; and __fish_seen_subcommand_from client" -l v6only -d 'IPV6_V6ONLY: an IPv6 listener does not also accept IPv4 clients'
complete -c sockkit -n "__fish_sockkit_using_subcommand uds; and __fish_seen_subcommand_from client" -s 4 -d 'Resolve names to IPv4 only'
complete -c sockkit -n "__fish_sockkit_using_subcommand uds; and __fish_seen_subcommand_from client" -s 6 -d 'Resolve names to IPv6 only'
complete -c sockkit -n "__fish_sockkit_using_subcommand uds; and __fish_seen_subcommand_from client" -l json -d 'One JSON object per line on stdout (JSON Lines), each with an "event" field'
complete -c sockkit -n "__fish_sockkit_using_subcommand uds; and __fish_seen_subcommand_from client" -s q -l quiet -d 'Print only results and summaries'
complete -c sockkit -n "__fish_sockkit_using_subcommand uds; and __fish_seen_subcommand_from client" -s v -l verbose -d 'Print more (repeat for even more)'
complete -c sockkit -n "__fish_sockkit_using_subcommand uds; and __fish_seen_subcommand_from client" -s h -l help -d 'Print help'
complete -c sockkit -n "__fish_sockkit_using_subcommand uds; and __fish_seen_subcommand_from client" -s V -l version -d 'Print version'
complete -c sockkit -n "__fish_sockkit_using_subcommand uds; and __fish_seen_subcommand_from help" -f -a "serve" -d 'Echo server on a Unix socket path or @abstract name'
complete -c sockkit -n "__fish_sockkit_using_subcommand uds; and __fish_seen_subcommand_from help" -f -a "client" -d 'Verifying client for a Unix socket'
complete -c sockkit -n "__fish_sockkit_using_subcommand uds; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c sockkit -n "__fish_sockkit_using_subcommand http; and not __fish_seen_subcommand_from get help" -l color -d 'Colour: auto (only on a terminal, off when NO_COLOR is set), always or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c sockkit -n "__fish_sockkit_using_subcommand http; and not __fish_seen_subcommand_from get help" -l json -d 'One JSON object per line on stdout (JSON Lines), each with an "event" field'
complete -c sockkit -n "__fish_sockkit_using_subcommand http; and not __fish_seen_subcommand_from get help" -s q -l quiet -d 'Print only results and summaries'
complete -c sockkit -n "__fish_sockkit_using_subcommand http; and not __fish_seen_subcommand_from get help" -s v -l verbose -d 'Print more (repeat for even more)'
complete -c sockkit -n "__fish_sockkit_using_subcommand http; and not __fish_seen_subcommand_from get help" -s h -l help -d 'Print help'
complete -c sockkit -n "__fish_sockkit_using_subcommand http; and not __fish_seen_subcommand_from get help" -s V -l version -d 'Print version'
complete -c sockkit -n "__fish_sockkit_using_subcommand http; and not __fish_seen_subcommand_from get help" -f -a "get" -d 'GET (or HEAD with -I) one or more URLs'
complete -c sockkit -n "__fish_sockkit_using_subcommand http; and not __fish_seen_subcommand_from get help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c sockkit -n "__fish_sockkit_using_subcommand http; and __fish_seen_subcommand_from get" -s H -l header -d 'Extra request header \'Name: value\' (repeatable); replaces a default header of that name, and \'Name:\' with no value removes it' -r
complete -c sockkit -n "__fish_sockkit_using_subcommand http; and __fish_seen_subcommand_from get" -s o -l output -d 'Write bodies to FILE instead of stdout (\'-\' is stdout); with several URLs, one after another' -r -F
complete -c sockkit -n "__fish_sockkit_using_subcommand http; and __fish_seen_subcommand_from get" -l max-redirs -d 'With -L, give up (exit 4) when the server still redirects after N redirects' -r
complete -c sockkit -n "__fish_sockkit_using_subcommand http; and __fish_seen_subcommand_from get" -l connect-timeout -d 'Give up on a TCP handshake after this long (default: --timeout, else 10s)' -r
complete -c sockkit -n "__fish_sockkit_using_subcommand http; and __fish_seen_subcommand_from get" -l keepalive -d 'SO_KEEPALIVE, with the idle time before the first probe when given (--keepalive=30s)' -r
complete -c sockkit -n "__fish_sockkit_using_subcommand http; and __fish_seen_subcommand_from get" -l linger -d 'SO_LINGER in seconds; 0 makes close() send RST and drop unsent data' -r
complete -c sockkit -n "__fish_sockkit_using_subcommand http; and __fish_seen_subcommand_from get" -l rcvbuf -d 'SO_RCVBUF (the kernel doubles it and enforces a minimum)' -r
complete -c sockkit -n "__fish_sockkit_using_subcommand http; and __fish_seen_subcommand_from get" -l sndbuf -d 'SO_SNDBUF (the kernel doubles it and enforces a minimum)' -r
complete -c sockkit -n "__fish_sockkit_using_subcommand http; and __fish_seen_subcommand_from get" -l ttl -d 'IP_TTL / IPV6_UNICAST_HOPS of packets sent' -r
complete -c sockkit -n "__fish_sockkit_using_subcommand http; and __fish_seen_subcommand_from get" -l bind -d 'Source address of a client (HOST or HOST:PORT)' -r
complete -c sockkit -n "__fish_sockkit_using_subcommand http; and __fish_seen_subcommand_from get" -l backlog -d 'listen() backlog: connections the kernel completes before they are accepted' -r
complete -c sockkit -n "__fish_sockkit_using_subcommand http; and __fish_seen_subcommand_from get" -l timeout -d 'Give up after this long without progress (500ms, 2s, 0.2)' -r
complete -c sockkit -n "__fish_sockkit_using_subcommand http; and __fish_seen_subcommand_from get" -l color -d 'Colour: auto (only on a terminal, off when NO_COLOR is set), always or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c sockkit -n "__fish_sockkit_using_subcommand http; and __fish_seen_subcommand_from get" -s i -l include -d 'Print the status line and headers before the body (on stdout, as curl -i)'
complete -c sockkit -n "__fish_sockkit_using_subcommand http; and __fish_seen_subcommand_from get" -s I -l head -d 'Send HEAD instead of GET and print the response head'
complete -c sockkit -n "__fish_sockkit_using_subcommand http; and __fish_seen_subcommand_from get" -s L -l location -d 'Follow redirects (3xx with a Location header); -H Authorization and Cookie headers go only to the host, port and scheme of the URL given'
complete -c sockkit -n "__fish_sockkit_using_subcommand http; and __fish_seen_subcommand_from get" -l location-trusted -d 'Like -L, and send -H Authorization and Cookie headers to every redirect target, whatever its host'
complete -c sockkit -n "__fish_sockkit_using_subcommand http; and __fish_seen_subcommand_from get" -s f -l fail -d 'Exit 1 without printing the body when the status is 400 or more (the other URLs are still fetched; see --fail-early)'
complete -c sockkit -n "__fish_sockkit_using_subcommand http; and __fish_seen_subcommand_from get" -l fail-early -d 'Stop at the first URL that fails (an error, or a status of 400 or more with --fail) instead of reporting it and going on to the next URLs'
complete -c sockkit -n "__fish_sockkit_using_subcommand http; and __fish_seen_subcommand_from get" -l timing -d 'Print resolve, connect, first-byte and total times for each response (on stderr)'
complete -c sockkit -n "__fish_sockkit_using_subcommand http; and __fish_seen_subcommand_from get" -l reuseaddr -d 'SO_REUSEADDR: bind even while old connections on the port sit in TIME_WAIT'
complete -c sockkit -n "__fish_sockkit_using_subcommand http; and __fish_seen_subcommand_from get" -l reuseport -d 'SO_REUSEPORT: let several sockets bind the same port (the kernel spreads clients)'
complete -c sockkit -n "__fish_sockkit_using_subcommand http; and __fish_seen_subcommand_from get" -l nodelay -d 'TCP_NODELAY: send small writes at once instead of waiting to coalesce them (Nagle)'
complete -c sockkit -n "__fish_sockkit_using_subcommand http; and __fish_seen_subcommand_from get" -l v6only -d 'IPV6_V6ONLY: an IPv6 listener does not also accept IPv4 clients'
complete -c sockkit -n "__fish_sockkit_using_subcommand http; and __fish_seen_subcommand_from get" -s 4 -d 'Resolve names to IPv4 only'
complete -c sockkit -n "__fish_sockkit_using_subcommand http; and __fish_seen_subcommand_from get" -s 6 -d 'Resolve names to IPv6 only'
complete -c sockkit -n "__fish_sockkit_using_subcommand http; and __fish_seen_subcommand_from get" -l json -d 'One JSON object per line on stdout (JSON Lines), each with an "event" field'
complete -c sockkit -n "__fish_sockkit_using_subcommand http; and __fish_seen_subcommand_from get" -s q -l quiet -d 'Print only results and summaries'
complete -c sockkit -n "__fish_sockkit_using_subcommand http; and __fish_seen_subcommand_from get" -s v -l verbose -d 'Print more (repeat for even more)'
complete -c sockkit -n "__fish_sockkit_using_subcommand http; and __fish_seen_subcommand_from get" -s h -l help -d 'Print help'
complete -c sockkit -n "__fish_sockkit_using_subcommand http; and __fish_seen_subcommand_from get" -s V -l version -d 'Print version'
complete -c sockkit -n "__fish_sockkit_using_subcommand http; and __fish_seen_subcommand_from help" -f -a "get" -d 'GET (or HEAD with -I) one or more URLs'
complete -c sockkit -n "__fish_sockkit_using_subcommand http; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c sockkit -n "__fish_sockkit_using_subcommand ping" -s c -l count -d 'Stop after COUNT probes per host (with -w: after COUNT replies)' -r
complete -c sockkit -n "__fish_sockkit_using_subcommand ping" -s i -l interval -d 'Time between probes: 1, 0.2, 200ms (under 2ms needs root, as in iputils 20221126)' -r
complete -c sockkit -n "__fish_sockkit_using_subcommand ping" -s W -l timeout -d 'How long to wait for replies after the last probe when none came [default: 10s]' -r
complete -c sockkit -n "__fish_sockkit_using_subcommand ping" -s w -l deadline -d 'Stop after DEADLINE, however many probes were sent or answered' -r
complete -c sockkit -n "__fish_sockkit_using_subcommand ping" -s s -l size -d 'Payload bytes per probe (the first 8 carry the send time when they fit)' -r
complete -c sockkit -n "__fish_sockkit_using_subcommand ping" -s t -l ttl -d 'IP time to live / IPv6 hop limit of probes' -r
complete -c sockkit -n "__fish_sockkit_using_subcommand ping" -s I -l interface -d 'Source address, or interface name (SO_BINDTODEVICE)' -r
complete -c sockkit -n "__fish_sockkit_using_subcommand ping" -s M -l pmtudisc -d 'Path MTU discovery, as iputils\' -M: do (set DF; a probe over the path MTU fails here with "message too long"), want (set DF, but fragment locally what is too big), dont (no DF)' -r
complete -c sockkit -n "__fish_sockkit_using_subcommand ping" -s Q -l tos -d 'Type of service / traffic class byte of probes, 0-255 or 0x00-0xff (IP_TOS, IPV6_TCLASS), as iputils\' -Q: DSCP in the high 6 bits, ECN in the low 2' -r
complete -c sockkit -n "__fish_sockkit_using_subcommand ping" -s p -l pattern -d 'Up to 16 bytes in hex (ff00) that fill the payload after the send stamp, as iputils\' -p; an odd last digit is a byte of its own (fff is ff 0f), as in iputils' -r
complete -c sockkit -n "__fish_sockkit_using_subcommand ping" -l color -d 'Colour: auto (only on a terminal, off when NO_COLOR is set), always or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c sockkit -n "__fish_sockkit_using_subcommand ping" -s f -l flood -d 'Flood: a probe as soon as the last one is answered, or every 10 ms (root only)'
complete -c sockkit -n "__fish_sockkit_using_subcommand ping" -s D -l timestamps -d 'Print the time of day (seconds since 1970, as iputils\' -D: `[1700000000.123456] `) before each reply and error line'
complete -c sockkit -n "__fish_sockkit_using_subcommand ping" -s n -l numeric -d 'Numeric output only; accepted for iputils\' scripts, and always so: sockkit never looks up names for addresses'
complete -c sockkit -n "__fish_sockkit_using_subcommand ping" -s 4 -d 'Resolve names to IPv4 only'
complete -c sockkit -n "__fish_sockkit_using_subcommand ping" -s 6 -d 'Resolve names to IPv6 only'
complete -c sockkit -n "__fish_sockkit_using_subcommand ping" -l raw -d 'Use a raw ICMP socket only (needs CAP_NET_RAW)'
complete -c sockkit -n "__fish_sockkit_using_subcommand ping" -l dgram -d 'Use an unprivileged ICMP datagram socket only (net.ipv4.ping_group_range)'
complete -c sockkit -n "__fish_sockkit_using_subcommand ping" -s O -l report-outstanding -d 'Before each probe, report the previous one if it is still unanswered ("no answer yet for icmp_seq=N", as iputils\' -O; shown even with -q, as there)'
complete -c sockkit -n "__fish_sockkit_using_subcommand ping" -l json -d 'One JSON object per line on stdout (JSON Lines), each with an "event" field'
complete -c sockkit -n "__fish_sockkit_using_subcommand ping" -s q -l quiet -d 'Print only results and summaries'
complete -c sockkit -n "__fish_sockkit_using_subcommand ping" -s v -l verbose -d 'Print more (repeat for even more)'
complete -c sockkit -n "__fish_sockkit_using_subcommand ping" -s h -l help -d 'Print help'
complete -c sockkit -n "__fish_sockkit_using_subcommand ping" -s V -l version -d 'Print version'
complete -c sockkit -n "__fish_sockkit_using_subcommand states" -s f -l filter -d 'Only sockets in this state (repeatable): established, syn-sent, syn-recv, fin-wait-1, fin-wait-2, time-wait, closed, close-wait, last-ack, listening, closing; or a group: all, connected, synchronized, bucket, big. TIME_WAIT spelling works too' -r
complete -c sockkit -n "__fish_sockkit_using_subcommand states" -l port -d 'Only sockets with this local or peer port (repeatable)' -r
complete -c sockkit -n "__fish_sockkit_using_subcommand states" -l address -d 'Only sockets with this local or peer address (repeatable): IP, PREFIX/LEN, HOST, HOST:PORT or :PORT. An IPv4 address also finds its v4-mapped form on IPv6 sockets' -r
complete -c sockkit -n "__fish_sockkit_using_subcommand states" -l watch -d 'Redraw every DURATION, marking sockets that appeared (+), left (-) or changed state (~), until Ctrl-C' -r
complete -c sockkit -n "__fish_sockkit_using_subcommand states" -l proc-root -d 'Where proc is mounted (for reading captured tables)' -r -F
complete -c sockkit -n "__fish_sockkit_using_subcommand states" -l color -d 'Colour: auto (only on a terminal, off when NO_COLOR is set), always or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c sockkit -n "__fish_sockkit_using_subcommand states" -s 4 -d 'IPv4 sockets only (/proc/net/tcp)'
complete -c sockkit -n "__fish_sockkit_using_subcommand states" -s 6 -d 'IPv6 sockets only (/proc/net/tcp6)'
complete -c sockkit -n "__fish_sockkit_using_subcommand states" -s o -l timers -d 'Show timers, as ss -o: timer:(timewait,58sec,0), keepalive, on (retransmit), persist'
complete -c sockkit -n "__fish_sockkit_using_subcommand states" -s p -l processes -d 'Show the owning processes, as ss -p: users:(("name",pid=1,fd=3)) (root sees them all)'
complete -c sockkit -n "__fish_sockkit_using_subcommand states" -s s -l summary -d 'Count sockets per state and family instead of listing them'
complete -c sockkit -n "__fish_sockkit_using_subcommand states" -l explain -d 'After the table, say what each state present means and who is waiting for what'
complete -c sockkit -n "__fish_sockkit_using_subcommand states" -l json -d 'One JSON object per line on stdout (JSON Lines), each with an "event" field'
complete -c sockkit -n "__fish_sockkit_using_subcommand states" -s q -l quiet -d 'Print only results and summaries'
complete -c sockkit -n "__fish_sockkit_using_subcommand states" -s v -l verbose -d 'Print more (repeat for even more)'
complete -c sockkit -n "__fish_sockkit_using_subcommand states" -s h -l help -d 'Print help'
complete -c sockkit -n "__fish_sockkit_using_subcommand states" -s V -l version -d 'Print version'
complete -c sockkit -n "__fish_sockkit_using_subcommand generate" -l color -d 'Colour: auto (only on a terminal, off when NO_COLOR is set), always or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c sockkit -n "__fish_sockkit_using_subcommand generate" -l json -d 'One JSON object per line on stdout (JSON Lines), each with an "event" field'
complete -c sockkit -n "__fish_sockkit_using_subcommand generate" -s q -l quiet -d 'Print only results and summaries'
complete -c sockkit -n "__fish_sockkit_using_subcommand generate" -s v -l verbose -d 'Print more (repeat for even more)'
complete -c sockkit -n "__fish_sockkit_using_subcommand generate" -s h -l help -d 'Print help'
complete -c sockkit -n "__fish_sockkit_using_subcommand generate" -s V -l version -d 'Print version'
complete -c sockkit -n "__fish_sockkit_using_subcommand help; and not __fish_seen_subcommand_from echo udp uds http ping states generate help" -f -a "echo" -d 'TCP echo server and verifying client'
complete -c sockkit -n "__fish_sockkit_using_subcommand help; and not __fish_seen_subcommand_from echo udp uds http ping states generate help" -f -a "udp" -d 'UDP echo server and client'
complete -c sockkit -n "__fish_sockkit_using_subcommand help; and not __fish_seen_subcommand_from echo udp uds http ping states generate help" -f -a "uds" -d 'Echo over Unix domain sockets (paths and @abstract names)'
complete -c sockkit -n "__fish_sockkit_using_subcommand help; and not __fish_seen_subcommand_from echo udp uds http ping states generate help" -f -a "http" -d 'HTTP/1.1 client written directly on a socket'
complete -c sockkit -n "__fish_sockkit_using_subcommand help; and not __fish_seen_subcommand_from echo udp uds http ping states generate help" -f -a "ping" -d 'ICMP echo (IPv4 and IPv6), many hosts at once'
complete -c sockkit -n "__fish_sockkit_using_subcommand help; and not __fish_seen_subcommand_from echo udp uds http ping states generate help" -f -a "states" -d 'TCP sockets by state, from /proc/net/tcp and tcp6'
complete -c sockkit -n "__fish_sockkit_using_subcommand help; and not __fish_seen_subcommand_from echo udp uds http ping states generate help" -f -a "generate" -d 'Writes completions/ and man/ from this definition (for maintainers)'
complete -c sockkit -n "__fish_sockkit_using_subcommand help; and not __fish_seen_subcommand_from echo udp uds http ping states generate help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c sockkit -n "__fish_sockkit_using_subcommand help; and __fish_seen_subcommand_from echo" -f -a "serve" -d 'Echo every byte back to every client, many at once on one event loop'
complete -c sockkit -n "__fish_sockkit_using_subcommand help; and __fish_seen_subcommand_from echo" -f -a "client" -d 'Send bytes, read the echo to EOF and verify every byte; or generate load'
complete -c sockkit -n "__fish_sockkit_using_subcommand help; and __fish_seen_subcommand_from udp" -f -a "serve" -d 'Echo each datagram back to its sender'
complete -c sockkit -n "__fish_sockkit_using_subcommand help; and __fish_seen_subcommand_from udp" -f -a "client" -d 'Send numbered datagrams and match their echoes'
complete -c sockkit -n "__fish_sockkit_using_subcommand help; and __fish_seen_subcommand_from uds" -f -a "serve" -d 'Echo server on a Unix socket path or @abstract name'
complete -c sockkit -n "__fish_sockkit_using_subcommand help; and __fish_seen_subcommand_from uds" -f -a "client" -d 'Verifying client for a Unix socket'
complete -c sockkit -n "__fish_sockkit_using_subcommand help; and __fish_seen_subcommand_from http" -f -a "get" -d 'GET (or HEAD with -I) one or more URLs'
