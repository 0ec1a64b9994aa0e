<?php

declare(strict_types=1);

namespace Hayscan;

use FFI;
use FFI\CData;

/**
 * The `hayscan_bytes_t` list of replaceAll()/replaceFile(): one string for every pattern,
 * or one per pattern id, copied once into one C buffer that the (pointer, length) list
 * points into (a struct field cannot point into a PHP string).
 *
 * @internal
 */
final class Replacements
{
    public readonly int $count;
    public readonly ?CData $list;
    /** The bytes the list points into: alive as long as this object. */
    private ?CData $bytes = null;

    /**
     * @param list<string>|string $replacement
     *
     * @throws InvalidArgumentException not a string or a list
     * @throws \TypeError an entry is not a string
     */
    public function __construct(FFI $ffi, array|string $replacement, string $method)
    {
        if (is_string($replacement)) {
            $replacement = [$replacement];
        } elseif (!array_is_list($replacement)) {
            throw new InvalidArgumentException('replacements must be one string, or a list with one string per pattern id');
        }
        $this->count = count($replacement);
        if ($this->count === 0) {
            $this->list = null;
            return;
        }
        foreach ($replacement as $i => $r) {
            if (!is_string($r)) {
                throw new \TypeError(sprintf('Hayscan\Matcher::%s(): replacement %d must be a string, %s given', $method, $i, get_debug_type($r)));
            }
        }
        $list = $ffi->new("hayscan_bytes_t[{$this->count}]");
        $joined = implode('', $replacement);
        $total = strlen($joined);
        if ($total > 0) {
            $this->bytes = $ffi->new("char[$total]");
            FFI::memcpy($this->bytes, $joined, $total);
        }
        $at = 0;
        foreach ($replacement as $i => $r) {
            $len = strlen($r);
            if ($len > 0) {
                $list[$i]->ptr = FFI::addr($this->bytes[$at]);
                $list[$i]->len = $len;
                $at += $len;
            }
        }
        $this->list = $list;
    }
}
