<?php

// Autoloader for using hayscan without Composer (Composer users get the same PSR-4
// mapping from composer.json): require this file, then use Hayscan\Matcher.

declare(strict_types=1);

spl_autoload_register(static function (string $class): void {
    if (str_starts_with($class, 'Hayscan\\')) {
        $file = __DIR__ . '/src/' . str_replace('\\', '/', substr($class, strlen('Hayscan\\'))) . '.php';
        if (is_file($file)) {
            require $file;
        }
    }
});
