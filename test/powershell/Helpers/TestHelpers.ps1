# Shared helpers for the Konnekt Pester tests. Dot-source in BeforeAll.
# SAFETY: the only recursive delete in these tests is Remove-KonnektTestDirectory, and it only
# removes a directory that New-KonnektTestDirectory created under the system temp directory with
# 'konnekt' in its unique name.

$script:KonnektRepoRoot = (Resolve-Path -LiteralPath (Join-Path -Path $PSScriptRoot -ChildPath '../../..')).Path
$script:KonnektManifest = Join-Path -Path $script:KonnektRepoRoot -ChildPath 'powershell/Konnekt/Konnekt.psd1'

function New-KonnektTestDirectory {
    param([string]$Purpose = 'test')
    # Short names: Unix socket paths inside must stay under 107 bytes.
    $name = "konnekt-$Purpose-$([guid]::NewGuid().ToString('N').Substring(0, 10))"
    $path = Join-Path -Path ([System.IO.Path]::GetTempPath()) -ChildPath $name
    $null = New-Item -ItemType Directory -Path $path
    return $path
}

function Remove-KonnektTestDirectory {
    param([Parameter(Mandatory)][string]$Path)
    $full = [System.IO.Path]::GetFullPath($Path)
    $tempRoot = [System.IO.Path]::GetTempPath()
    $leaf = Split-Path -Path $full -Leaf
    # Never anything but a directory directly under the temp dir whose own name says konnekt.
    if (-not ($full -like "$tempRoot*konnekt*") -or $leaf -notlike 'konnekt-*' -or (Split-Path -Path $full -Parent).TrimEnd('/', '\') -ne $tempRoot.TrimEnd('/', '\')) {
        throw "Refusing to delete '$full': not a Konnekt test directory under $tempRoot"
    }
    if (Test-Path -LiteralPath $full) {
        Remove-Item -LiteralPath $full -Recurse -Force
    }
}

# Environment variables a test daemon needs isolated, so nothing touches the real user's files.
$script:KonnektIsolatedVariables = @('HOME', 'XDG_RUNTIME_DIR', 'XDG_CONFIG_HOME', 'XDG_STATE_HOME', 'XDG_CACHE_HOME', 'TMPDIR', 'KONNEKT_ENDPOINT', 'KONNEKT_POLICY_FILE', 'KONNEKT_CLI')

function Save-KonnektEnvironment {
    $saved = @{}
    foreach ($name in $script:KonnektIsolatedVariables) { $saved[$name] = [System.Environment]::GetEnvironmentVariable($name) }
    return $saved
}

function Restore-KonnektEnvironment {
    param([Parameter(Mandatory)][hashtable]$Saved)
    foreach ($name in $Saved.Keys) { [System.Environment]::SetEnvironmentVariable($name, $Saved[$name]) }
}

function Set-KonnektIsolatedEnvironment {
    # Points every location the daemon uses into $Root (created by New-KonnektTestDirectory).
    param([Parameter(Mandatory)][string]$Root)
    foreach ($sub in 'user', 'run', 'config', 'state', 'cache', 'tmp') {
        $null = New-Item -ItemType Directory -Path (Join-Path -Path $Root -ChildPath $sub) -Force
    }
    if (-not $IsWindows) { & chmod 700 (Join-Path -Path $Root -ChildPath 'run') }
    $env:HOME = Join-Path -Path $Root -ChildPath 'user'
    $env:XDG_RUNTIME_DIR = Join-Path -Path $Root -ChildPath 'run'
    $env:XDG_CONFIG_HOME = Join-Path -Path $Root -ChildPath 'config'
    $env:XDG_STATE_HOME = Join-Path -Path $Root -ChildPath 'state'
    $env:XDG_CACHE_HOME = Join-Path -Path $Root -ChildPath 'cache'
    $env:TMPDIR = Join-Path -Path $Root -ChildPath 'tmp'
    $env:KONNEKT_ENDPOINT = Join-Path -Path $Root -ChildPath 'k.sock'
    $env:KONNEKT_POLICY_FILE = Join-Path -Path $Root -ChildPath 'policy.json'
}

function New-KonnektTestError {
    # An ErrorRecord exactly as the transport throws it for a daemon error with this code.
    param([Parameter(Mandatory)][string]$Code, [string]$Message = "daemon says $Code")
    return (& (Get-Module -Name Konnekt) { param($c, $m) ConvertTo-KonnektErrorRecord -Code $c -Message $m } $Code $Message)
}
