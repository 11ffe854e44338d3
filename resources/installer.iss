; Inno Setup script: wraps the PyInstaller folder as a Windows setup.exe.
; build_installer.py runs it as: iscc /DAppDir=... /DAppVersion=... installer.iss
[Setup]
AppName=AI豆 Desktop
AppVersion={#AppVersion}
DefaultDirName={autopf}\AidouDesktop
DefaultGroupName=AI豆 Desktop
OutputBaseFilename=aidou-desktop-setup-{#AppVersion}
Compression=lzma2
SolidCompression=yes
PrivilegesRequired=lowest

[Languages]
Name: "chinesesimplified"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"
Name: "english"; MessagesFile: "compiler:Default.isl"

[Files]
Source: "{#AppDir}\*"; DestDir: "{app}"; Flags: recursesubdirs

[Icons]
Name: "{group}\AI豆 Desktop"; Filename: "{app}\aidou-desktop.exe"
Name: "{userdesktop}\AI豆 Desktop"; Filename: "{app}\aidou-desktop.exe"
