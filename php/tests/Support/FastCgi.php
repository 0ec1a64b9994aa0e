<?php

declare(strict_types=1);

namespace Hayscan\Tests\Support;

/** A minimal FastCGI client (one responder request per connection), enough to talk to php-fpm. */
final class FastCgi
{
    private const VERSION = 1;
    private const BEGIN_REQUEST = 1;
    private const END_REQUEST = 3;
    private const PARAMS = 4;
    private const STDIN = 5;
    private const STDOUT = 6;
    private const STDERR = 7;
    private const RESPONDER = 1;

    /**
     * Sends one request and returns [stdout (headers and body), stderr].
     *
     * @param array<string, string> $params
     * @return array{string, string}
     */
    public static function request(string $address, array $params, float $timeout = 30.0): array
    {
        $socket = @stream_socket_client($address, $errno, $error, $timeout);
        if ($socket === false) {
            throw new \RuntimeException("cannot connect to $address: $error");
        }
        stream_set_timeout($socket, (int) ceil($timeout));
        try {
            $body = '';
            foreach ($params as $name => $value) {
                $body .= self::length(strlen($name)) . self::length(strlen($value)) . $name . $value;
            }
            $out = self::record(self::BEGIN_REQUEST, pack('nCx5', self::RESPONDER, 0))
                . self::record(self::PARAMS, $body) . self::record(self::PARAMS, '')
                . self::record(self::STDIN, '');
            fwrite($socket, $out);
            $stdout = $stderr = '';
            while (true) {
                $header = self::read($socket, 8);
                $h = unpack('Cversion/Ctype/nid/nlength/Cpadding', $header);
                $content = self::read($socket, $h['length']);
                self::read($socket, $h['padding']);
                if ($h['type'] === self::STDOUT) {
                    $stdout .= $content;
                } elseif ($h['type'] === self::STDERR) {
                    $stderr .= $content;
                } elseif ($h['type'] === self::END_REQUEST) {
                    return [$stdout, $stderr];
                }
            }
        } finally {
            fclose($socket);
        }
    }

    private static function record(int $type, string $content): string
    {
        return pack('CCnnCx', self::VERSION, $type, 1, strlen($content), 0) . $content;
    }

    private static function length(int $n): string
    {
        return $n < 128 ? chr($n) : pack('N', $n | 0x80000000);
    }

    /** @param resource $socket */
    private static function read($socket, int $n): string
    {
        $data = '';
        while (strlen($data) < $n) {
            $chunk = fread($socket, $n - strlen($data));
            if ($chunk === false || $chunk === '') {
                if (feof($socket) || stream_get_meta_data($socket)['timed_out']) {
                    throw new \RuntimeException('php-fpm closed the connection or timed out mid-record');
                }
                continue;
            }
            $data .= $chunk;
        }
        return $data;
    }
}
