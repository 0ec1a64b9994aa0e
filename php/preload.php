<?php

// opcache.preload entry point for hayscan (docs/php.md, "FPM with preloading").
//
// With ffi.enable=preload (php.ini's default outside the CLI) only preloaded code may use
// FFI, so this compiles every Hayscan class into opcache and makes the "HAYSCAN" FFI scope:
// - if ffi.preload already loaded a header with FFI_SCOPE "HAYSCAN" (needed when PHP starts
//   as root, where opcache.preload_user rules out FFI::load), that scope is used;
// - otherwise a header with FFI_SCOPE/FFI_LIB is generated in the temp directory and
//   FFI::load()ed.
// The library is found as at run time (Hayscan\Library::libraryCandidates(): bundled lib/,
// HAYSCAN_LIB, <repo>/target/release/libhayscan.so, the system's libhayscan.so.0).

declare(strict_types=1);

require_once __DIR__ . '/autoload.php';

foreach (glob(__DIR__ . '/src/*.php') ?: [] as $file) {
    $class = 'Hayscan\\' . basename($file, '.php');
    if (!class_exists($class) && !interface_exists($class) && !trait_exists($class)) {
        throw new LogicException("hayscan preload: $file does not define $class");
    }
}

Hayscan\Library::preload();
