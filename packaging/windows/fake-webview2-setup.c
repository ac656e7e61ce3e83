/*
 * A stand-in for MicrosoftEdgeWebview2Setup.exe, for scripts/check-installer only:
 * records that the installer ran it, and with which arguments, in
 * webview2-bootstrapper-ran.txt beside itself. Never shipped.
 */
#include <stdio.h>
#include <string.h>
#include <windows.h>

int main(int argc, char **argv)
{
    char path[MAX_PATH];
    DWORD n = GetModuleFileNameA(NULL, path, MAX_PATH);
    char *slash = strrchr(path, '\\');
    if (n == 0 || !slash)
        return 1;
    strcpy(slash + 1, "webview2-bootstrapper-ran.txt");
    FILE *f = fopen(path, "w");
    if (!f)
        return 1;
    for (int i = 1; i < argc; i++)
        fprintf(f, "%s%s", i > 1 ? " " : "", argv[i]);
    fprintf(f, "\n");
    fclose(f);
    return 0;
}
