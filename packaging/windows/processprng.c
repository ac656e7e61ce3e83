/*
 * bcryptprimitives.dll for Wine 8: Rust's standard library (1.78 and later) takes its
 * random numbers from ProcessPrng, which Wine 8.0 does not export, so every Rust
 * program exits with code 53 before main. This stand-in exports ProcessPrng and fills
 * the buffer from RtlGenRandom (advapi32's SystemFunction036), which Wine has.
 *
 * Only for the Wine prefix of scripts/test-windows and scripts/check-installer (built
 * there with x86_64-w64-mingw32-gcc -shared); never shipped. Windows 10 and later have
 * the real one.
 */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
    while (length > 0) {
        ULONG chunk = length > 0x10000000 ? 0x10000000 : (ULONG)length;
        if (!SystemFunction036(data, chunk))
            return FALSE;
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
