; Placet Tray's Windows installer (NSIS 3, 64-bit Unicode stub), built by
; scripts/package-windows with:
;   makensis -DVERSION=x.y.z -DBIN_DIR=<folder with the binaries> -DOUT_FILE=<setup.exe>
;            [-DSIGN_CMD=<command, %1 the file>] placet-tray.nsi
;
; Installs for the current user, without administrator rights, into
; %LOCALAPPDATA%\Programs\Placet Tray; /ALLUSERS installs for every user into
; Program Files (administrators only). Silent: /S. Options (also silent):
;   /AUTOSTART       start Placet Tray when this user signs in (the Run key value the
;                    app's own setting writes)
;   /ALLUSERS        every user (HKLM, Program Files, the common Start menu)
;   /D=<folder>      the install folder (last, unquoted: NSIS's rule)
; Uninstaller (uninstall.exe in the install folder, also under Apps & features):
;   /S               silent; keeps the user's data (settings, queued answers, log,
;                    the saved session)
;   /REMOVEDATA      also removes this user's data: signs out (the session in the
;                    Credential Manager) and deletes %LOCALAPPDATA%\placet-tray
;
; What it writes (per user under HKCU, for everyone under HKLM):
; - the files: placet-tray.exe (the tray, a GUI program), placet-tray.com (its console
;   front-end: `placet-tray status` in a terminal finds it first), placet-tray-ui.exe
;   (the window host), uninstall.exe
; - a Start-menu shortcut to placet-tray.exe carrying the AppUserModelID io.placet.tray,
;   under which the app's toasts are filed (System.AppUserModel.ID, set through
;   IPropertyStore: Debian's NSIS has no WinShell plug-in)
; - Software\Classes\AppUserModelId\io.placet.tray: the name and icon toasts show
; - Software\Classes\placet-tray: the URL scheme a toast's click launches; the tray
;   only ever opens a window for it
; - Software\Microsoft\Windows\CurrentVersion\Uninstall\io.placet.tray: Apps & features
;   (one entry: an upgrade writes the same key over the same folder)
; - with /AUTOSTART: HKCU\...\Run, value io.placet.tray
;
; WebView2 (the windows' engine): found through EdgeUpdate's `pv` value; when missing,
; MicrosoftEdgeWebview2Setup.exe next to the installer is run if present, otherwise the
; installer says where to get it (the tray and its notifications work without it).

Unicode true
Target amd64-unicode
!ifdef FAST_COMPRESSION
  ; scripts/check-installer's debug builds: quick to pack, large.
  SetCompressor zlib
!else
  SetCompressor /SOLID lzma
!endif
RequestExecutionLevel user
ManifestDPIAware true

!ifndef VERSION
  !error "VERSION is not defined"
!endif
!ifndef BIN_DIR
  !error "BIN_DIR is not defined"
!endif
!ifndef OUT_FILE
  !define OUT_FILE "placet-tray-${VERSION}-x64-setup.exe"
!endif
!ifndef ICON
  !define ICON "${BIN_DIR}\..\icon.ico"
!endif

!define APP_NAME "Placet Tray"
!define APP_ID "io.placet.tray"
!define PUBLISHER "Placet Tray contributors"
!define URL "https://github.com/placet-tray/placet-tray"
!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${APP_ID}"
!define RUN_KEY "Software\Microsoft\Windows\CurrentVersion\Run"
!define WEBVIEW2_GUID "{F3017226-FE2A-4295-8BDF-00C3A9A7E4C5}"
!define WEBVIEW2_BOOTSTRAPPER "MicrosoftEdgeWebview2Setup.exe"

!include LogicLib.nsh
!include FileFunc.nsh
!include Sections.nsh
!include x64.nsh

Name "${APP_NAME}"
OutFile "${OUT_FILE}"
InstallDir "$LOCALAPPDATA\Programs\${APP_NAME}"
Icon "${ICON}"
UninstallIcon "${ICON}"
BrandingText "${APP_NAME} ${VERSION}"
ShowInstDetails show
ShowUninstDetails show

!ifdef SIGN_CMD
  !finalize '${SIGN_CMD}'
  !uninstfinalize '${SIGN_CMD}'
!endif

VIProductVersion "${VERSION}.0"
VIAddVersionKey /LANG=1033 "ProductName" "${APP_NAME}"
VIAddVersionKey /LANG=1033 "CompanyName" "${PUBLISHER}"
VIAddVersionKey /LANG=1033 "FileDescription" "${APP_NAME} installer"
VIAddVersionKey /LANG=1033 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=1033 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=1033 "LegalCopyright" "MIT License"

Page components
Page directory
Page instfiles
UninstPage uninstConfirm
UninstPage instfiles

Var AllUsers
Var RemoveData

; --- Shared -----------------------------------------------------------------------------

; Closes the running trays (an upgrade replaces their files; the uninstaller removes
; them): this user's asked to quit (`placet-tray.exe --quit`), then any left asked to
; close, then ended. Their data is safe either way (SQLite). Without
; administrator rights only this user's can be ended, which is what a per-user install
; needs; an all-users install replaces files every user's tray runs from.
!macro CloseTray un
Function ${un}CloseTray
  ${If} ${FileExists} "$INSTDIR\placet-tray.exe"
    ; This user's tray quits cleanly (it withdraws its toasts).
    nsExec::Exec '"$INSTDIR\placet-tray.exe" --quit'
    Pop $0
    ${If} $0 = 0
      Sleep 2000
    ${EndIf}
  ${EndIf}
  nsExec::Exec '"$SYSDIR\taskkill.exe" /IM placet-tray.exe'
  Pop $0
  ${If} $0 = 0
    Sleep 1500
  ${EndIf}
  nsExec::Exec '"$SYSDIR\taskkill.exe" /F /IM placet-tray.exe'
  Pop $0
  nsExec::Exec '"$SYSDIR\taskkill.exe" /F /IM placet-tray-ui.exe'
  Pop $0
FunctionEnd
!macroend
!insertmacro CloseTray ""
!insertmacro CloseTray "un."

; Sets System.AppUserModel.ID on the shortcut $0 to ${APP_ID} (IShellLinkW +
; IPersistFile + IPropertyStore through the System plug-in). $1 is "ok" or why not.
!macro SetAumid un
Function ${un}SetAumid
  StrCpy $1 "no IShellLink"
  System::Call "ole32::CoCreateInstance(g '{00021401-0000-0000-C000-000000000046}', p 0, i 1, g '{000214F9-0000-0000-C000-000000000046}', *p .r2) i .r3"
  ${If} $3 = 0
    StrCpy $1 "no IPersistFile"
    ; IUnknown::QueryInterface(IID_IPersistFile)
    System::Call "$2->0(g '{0000010b-0000-0000-C000-000000000046}', *p .r4) i .r3"
    ${If} $3 = 0
      StrCpy $1 "cannot load the shortcut"
      ; IPersistFile::Load(path, STGM_READWRITE)
      System::Call "$4->5(w r0, i 2) i .r3"
      ${If} $3 = 0
        StrCpy $1 "no IPropertyStore"
        System::Call "$2->0(g '{886D8EEB-8CF2-4446-8D02-CDBA1DBDCF99}', *p .r5) i .r3"
        ${If} $3 = 0
          ; PROPERTYKEY {9F4C2855-9F79-4B39-A8D0-E1D42DE1D5F3}, 5 and a PROPVARIANT
          ; VT_LPWSTR (31) pointing at the id.
          System::Call "*(g '{9F4C2855-9F79-4B39-A8D0-E1D42DE1D5F3}', i 5) p .r6"
          System::Call "*(w '${APP_ID}') p .r7"
          System::Call "*(&i2 31, &i2 0, &i2 0, &i2 0, p r7, p 0) p .r8"
          StrCpy $1 "SetValue failed"
          ; IPropertyStore::SetValue(key, value), ::Commit()
          System::Call "$5->6(p r6, p r8) i .r3"
          ${If} $3 = 0
            StrCpy $1 "Commit failed"
            System::Call "$5->7() i .r3"
            ${If} $3 = 0
              StrCpy $1 "cannot save the shortcut"
              ; IPersistFile::Save(NULL, TRUE)
              System::Call "$4->6(p 0, i 1) i .r3"
              ${If} $3 = 0
                StrCpy $1 "ok"
              ${EndIf}
            ${EndIf}
          ${EndIf}
          System::Free $6
          System::Free $7
          System::Free $8
          System::Call "$5->2()"
        ${EndIf}
      ${EndIf}
      System::Call "$4->2()"
    ${EndIf}
    System::Call "$2->2()"
  ${EndIf}
FunctionEnd
!macroend
!insertmacro SetAumid ""

; --- Install ----------------------------------------------------------------------------


!macro WriteKeys ROOT
  WriteRegStr ${ROOT} "${UNINSTALL_KEY}" "DisplayName" "${APP_NAME}"
  WriteRegStr ${ROOT} "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr ${ROOT} "${UNINSTALL_KEY}" "Publisher" "${PUBLISHER}"
  WriteRegStr ${ROOT} "${UNINSTALL_KEY}" "URLInfoAbout" "${URL}"
  WriteRegStr ${ROOT} "${UNINSTALL_KEY}" "DisplayIcon" "$INSTDIR\placet-tray.exe,0"
  WriteRegStr ${ROOT} "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr ${ROOT} "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr ${ROOT} "${UNINSTALL_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD ${ROOT} "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD ${ROOT} "${UNINSTALL_KEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  IntFmt $0 "0x%08X" $0
  WriteRegDWORD ${ROOT} "${UNINSTALL_KEY}" "EstimatedSize" "$0"
  ; The URL scheme toasts launch: it can only open a window.
  WriteRegStr ${ROOT} "Software\Classes\placet-tray" "" "URL:${APP_NAME}"
  WriteRegStr ${ROOT} "Software\Classes\placet-tray" "URL Protocol" ""
  WriteRegStr ${ROOT} "Software\Classes\placet-tray\DefaultIcon" "" "$INSTDIR\placet-tray.exe,0"
  WriteRegStr ${ROOT} "Software\Classes\placet-tray\shell\open\command" "" '"$INSTDIR\placet-tray.exe" "%1"'
  ; The name and icon of the app's toasts.
  WriteRegStr ${ROOT} "Software\Classes\AppUserModelId\${APP_ID}" "DisplayName" "${APP_NAME}"
  WriteRegStr ${ROOT} "Software\Classes\AppUserModelId\${APP_ID}" "IconUri" "$INSTDIR\placet-tray.exe"
!macroend

Section "Placet Tray" SecMain
  SectionIn RO
  SetRegView 64
  Call CloseTray
  SetOutPath "$INSTDIR"
  File "${BIN_DIR}\placet-tray.exe"
  File "${BIN_DIR}\placet-tray.com"
  File "${BIN_DIR}\placet-tray-ui.exe"
  WriteUninstaller "$INSTDIR\uninstall.exe"

  ${If} $AllUsers = 1
    !insertmacro WriteKeys HKLM
    WriteRegStr HKLM "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe" /ALLUSERS'
    WriteRegStr HKLM "${UNINSTALL_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /ALLUSERS /S'
  ${Else}
    !insertmacro WriteKeys HKCU
  ${EndIf}

  CreateShortcut "$SMPROGRAMS\${APP_NAME}.lnk" "$INSTDIR\placet-tray.exe" "" "$INSTDIR\placet-tray.exe" 0
  StrCpy $0 "$SMPROGRAMS\${APP_NAME}.lnk"
  Call SetAumid
  DetailPrint "Start-menu shortcut's AppUserModelID: $1"

  Call WebView2
SectionEnd

; Start at login: this user's Run key, as the app's own setting (Settings › Start at
; login) writes it. Off unless chosen here or with /AUTOSTART.
Section /o "Start with Windows" SecAutostart
  SetRegView 64
  WriteRegStr HKCU "${RUN_KEY}" "${APP_ID}" '"$INSTDIR\placet-tray.exe"'
SectionEnd

; After the sections, whose ids it uses.
Function .onInit
  ${IfNot} ${RunningX64}
    MessageBox MB_ICONSTOP "${APP_NAME} needs 64-bit Windows." /SD IDOK
    Abort
  ${EndIf}
  SetRegView 64
  ${GetParameters} $R0
  ClearErrors
  ${GetOptions} $R0 "/ALLUSERS" $R1
  ${IfNot} ${Errors}
    StrCpy $AllUsers 1
  ${EndIf}
  ClearErrors
  ${GetOptions} $R0 "/AUTOSTART" $R1
  ${IfNot} ${Errors}
    !insertmacro SelectSection ${SecAutostart}
  ${EndIf}
  ${If} $AllUsers = 1
    UserInfo::GetAccountType
    Pop $R1
    ${If} $R1 != "Admin"
      MessageBox MB_ICONSTOP "Installing for all users needs an administrator." /SD IDOK
      SetErrorLevel 5
      Quit
    ${EndIf}
    SetShellVarContext all
    ; /D= still wins: NSIS sets $INSTDIR from it after .onInit only when given.
    StrCpy $INSTDIR "$PROGRAMFILES64\${APP_NAME}"
  ${Else}
    SetShellVarContext current
  ${EndIf}
  ; An earlier install: the same folder (an upgrade in place).
  ${If} $AllUsers = 1
    ReadRegStr $R1 HKLM "${UNINSTALL_KEY}" "InstallLocation"
  ${Else}
    ReadRegStr $R1 HKCU "${UNINSTALL_KEY}" "InstallLocation"
  ${EndIf}
  ${If} $R1 != ""
    StrCpy $INSTDIR $R1
  ${EndIf}
FunctionEnd

; The WebView2 runtime, for the windows (settings, inbox, reviews).
Function WebView2
  StrCpy $0 ""
  ReadRegStr $0 HKLM "SOFTWARE\WOW6432Node\Microsoft\EdgeUpdate\Clients\${WEBVIEW2_GUID}" "pv"
  ${If} $0 == ""
  ${OrIf} $0 == "0.0.0.0"
    ReadRegStr $0 HKLM "SOFTWARE\Microsoft\EdgeUpdate\Clients\${WEBVIEW2_GUID}" "pv"
  ${EndIf}
  ${If} $0 == ""
  ${OrIf} $0 == "0.0.0.0"
    ReadRegStr $0 HKCU "Software\Microsoft\EdgeUpdate\Clients\${WEBVIEW2_GUID}" "pv"
  ${EndIf}
  ${If} $0 != ""
  ${AndIf} $0 != "0.0.0.0"
    DetailPrint "WebView2 runtime $0 found."
    Return
  ${EndIf}
  ${If} ${FileExists} "$EXEDIR\${WEBVIEW2_BOOTSTRAPPER}"
    DetailPrint "Installing the WebView2 runtime..."
    ExecWait '"$EXEDIR\${WEBVIEW2_BOOTSTRAPPER}" /silent /install' $1
    DetailPrint "The WebView2 installer returned $1."
  ${Else}
    DetailPrint "The WebView2 runtime is missing: Placet Tray's windows need it."
    MessageBox MB_ICONINFORMATION "Placet Tray's windows (sign-in, inbox, reviews) need the Microsoft Edge WebView2 Runtime, which is not installed.$\r$\n$\r$\nGet the Evergreen Bootstrapper from https://developer.microsoft.com/microsoft-edge/webview2/ and run it, or put ${WEBVIEW2_BOOTSTRAPPER} next to this installer and run it again. The tray and its notifications work without it." /SD IDOK
  ${EndIf}
FunctionEnd

; --- Uninstall --------------------------------------------------------------------------

Function un.onInit
  SetRegView 64
  ${GetParameters} $R0
  ClearErrors
  ${GetOptions} $R0 "/ALLUSERS" $R1
  ${IfNot} ${Errors}
    StrCpy $AllUsers 1
    SetShellVarContext all
  ${Else}
    SetShellVarContext current
  ${EndIf}
  ClearErrors
  ${GetOptions} $R0 "/REMOVEDATA" $R1
  ${IfNot} ${Errors}
    StrCpy $RemoveData 1
  ${ElseIfNot} ${Silent}
    MessageBox MB_YESNO|MB_ICONQUESTION "Also remove your Placet Tray data (settings, answers not yet sent, the log, and the saved sign-in)?" /SD IDNO IDNO +2
    StrCpy $RemoveData 1
  ${EndIf}
FunctionEnd

!macro DeleteKeys ROOT
  DeleteRegKey ${ROOT} "${UNINSTALL_KEY}"
  DeleteRegKey ${ROOT} "Software\Classes\placet-tray"
  DeleteRegKey ${ROOT} "Software\Classes\AppUserModelId\${APP_ID}"
!macroend

Section "Uninstall"
  SetRegView 64
  Call un.CloseTray
  ${If} $RemoveData = 1
    ; Sign out first: the session lives in the Credential Manager, not in the folder.
    nsExec::ExecToLog '"$INSTDIR\placet-tray.com" logout --discard-queued'
    Pop $0
    RMDir /r "$LOCALAPPDATA\placet-tray"
    RMDir /r "$APPDATA\placet-tray"
  ${EndIf}
  Delete "$INSTDIR\placet-tray.exe"
  Delete "$INSTDIR\placet-tray.com"
  Delete "$INSTDIR\placet-tray-ui.exe"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  Delete "$SMPROGRAMS\${APP_NAME}.lnk"
  ; Start at login is this user's, whoever installed.
  DeleteRegValue HKCU "${RUN_KEY}" "${APP_ID}"
  ${If} $AllUsers = 1
    !insertmacro DeleteKeys HKLM
  ${Else}
    !insertmacro DeleteKeys HKCU
  ${EndIf}
  ; The name the app registers for its toasts when it runs.
  DeleteRegKey HKCU "Software\Classes\AppUserModelId\${APP_ID}"
SectionEnd
