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
    # A FUSE mount left inside would make the delete reach through it into SharePoint (or hang):
    # refuse; callers unmount first (Dismount-KonnektTestMount).
    $left = @(Get-KonnektTestMount -Root $full)
    if ($left.Count -gt 0) {
        throw "Refusing to delete '$full': still mounted: $($left -join ', ')"
    }
    if (Test-Path -LiteralPath $full) {
        Remove-Item -LiteralPath $full -Recurse -Force
    }
}

function Get-KonnektTestMount {
    # Mount points at or under $Root, from /proc/mounts (octal escapes such as \040 decoded).
    param([Parameter(Mandatory)][string]$Root)
    if (-not (Test-Path -LiteralPath '/proc/mounts')) { return }
    $prefix = $Root.TrimEnd('/')
    foreach ($line in [System.IO.File]::ReadAllLines('/proc/mounts')) {
        $fields = $line.Split(' ')
        if ($fields.Count -lt 2) { continue }
        $point = [regex]::Replace($fields[1], '\\([0-7]{3})', { param($m) [string][char][Convert]::ToInt32($m.Groups[1].Value, 8) })
        if ($point -eq $prefix -or $point.StartsWith("$prefix/")) { $point }
    }
}

function Dismount-KonnektTestMount {
    # Lazily unmounts every FUSE mount left under $Root (a test's own temp dir only).
    param([Parameter(Mandatory)][string]$Root)
    foreach ($point in @(Get-KonnektTestMount -Root $Root | Sort-Object -Property Length -Descending)) {
        & fusermount3 -u -z $point 2>&1 | Out-Null
    }
}

function Stop-KonnektTestProcess {
    # Kills the processes of this user whose environment points into $Root (daemons, tenant
    # workers, emulators a test started with its temp dirs), never this shell, never anything else.
    param([Parameter(Mandatory)][string]$Root)
    if ($IsWindows -or -not (Test-Path -LiteralPath '/proc')) { return }
    $needle = [regex]::Escape($Root.TrimEnd('/'))
    foreach ($dir in @(Get-ChildItem -LiteralPath '/proc' -Directory -ErrorAction SilentlyContinue | Where-Object { $_.Name -match '^\d+$' })) {
        $procId = [int]$dir.Name
        if ($procId -eq $PID) { continue }
        $environ = $null
        try { $environ = [System.IO.File]::ReadAllText("/proc/$procId/environ") } catch { continue }  # gone, or not ours
        if ($environ -notmatch "(^|\x00)(HOME|TMPDIR|XDG_RUNTIME_DIR|XDG_STATE_HOME|KONNEKT_ENDPOINT)=$needle(/|\x00)") { continue }
        $process = Get-Process -Id $procId -ErrorAction SilentlyContinue
        if ($process) {
            try { $process.Kill(); $null = $process.WaitForExit(10000) } catch { Write-Warning "could not stop process ${procId}: $_" }
        }
    }
}

function Start-KonnektTestEmulator {
    # The real emulator (`konnekt emulator --seed demo --test-auto-approve <user>`) with its own
    # HOME/TMPDIR under $Root. Returns @{ Process; Ready (the parsed ready line); Stderr (a task) }.
    # Its stdin stays a pipe: if this shell dies, the pipe closes and the emulator stops itself.
    param([Parameter(Mandatory)][string]$Root, [string]$AutoApprove = 'adele', [int]$TimeoutSeconds = 60)
    $emuDir = Join-Path -Path $Root -ChildPath 'emulator'
    $null = New-Item -ItemType Directory -Path $emuDir -Force
    $info = [System.Diagnostics.ProcessStartInfo]::new()
    $info.FileName = (Get-Command -Name 'node' -CommandType Application | Select-Object -First 1).Source
    foreach ($a in @((Join-Path -Path $script:KonnektRepoRoot -ChildPath 'dist/daemon/cli.js'), 'emulator', '--seed', 'demo', '--test-auto-approve', $AutoApprove)) { $info.ArgumentList.Add($a) }
    $info.UseShellExecute = $false
    $info.RedirectStandardInput = $true
    $info.RedirectStandardOutput = $true
    $info.RedirectStandardError = $true
    $info.WorkingDirectory = $emuDir
    foreach ($name in 'HOME', 'TMPDIR', 'XDG_CONFIG_HOME', 'XDG_DATA_HOME', 'XDG_CACHE_HOME', 'XDG_RUNTIME_DIR') { $info.Environment[$name] = $emuDir }
    foreach ($name in 'NODE_OPTIONS', 'NODE_EXTRA_CA_CERTS', 'KONNEKT_ENDPOINT') { $null = $info.Environment.Remove($name) }
    $info.Environment['KONNEKT_EMULATOR_STOP_ON_STDIN_CLOSE'] = '1'
    $process = [System.Diagnostics.Process]::Start($info)
    $stderr = $process.StandardError.ReadToEndAsync()
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
    $ready = $null
    while ($null -eq $ready) {
        $read = $process.StandardOutput.ReadLineAsync()
        $left = [int][Math]::Max(1, ($deadline - [DateTime]::UtcNow).TotalMilliseconds)
        if (-not $read.Wait($left) -or $null -eq $read.Result) {
            try { $process.Kill() } catch { Write-Verbose 'emulator already gone' }
            $null = $process.WaitForExit(10000)
            $why = if ($stderr.Wait(2000)) { $stderr.Result } else { '' }
            throw "The emulator did not print its ready line within $TimeoutSeconds s: $why"
        }
        $line = $read.Result.Trim()
        if ($line.StartsWith('{')) {
            $parsed = ConvertFrom-Json -InputObject $line
            if ($parsed.PSObject.Properties['event'] -and $parsed.event -eq 'ready') { $ready = $parsed }
        }
    }
    # Keep draining stdout so the emulator never blocks on a full pipe.
    $null = $process.StandardOutput.BaseStream.CopyToAsync([System.IO.Stream]::Null)
    return @{ Process = $process; Ready = $ready; Stderr = $stderr }
}

function Stop-KonnektTestEmulator {
    # Closes the emulator's stdin (it stops and removes its data dir), kills it after 15 s.
    param([hashtable]$Emulator)
    if ($null -eq $Emulator -or $null -eq $Emulator.Process) { return }
    $process = $Emulator.Process
    try { $process.StandardInput.Close() } catch { Write-Verbose 'stdin already closed' }
    if (-not $process.WaitForExit(15000)) {
        try { $process.Kill() } catch { Write-Verbose 'emulator already gone' }
        $null = $process.WaitForExit(10000)
    }
    $process.Dispose()
}

# Environment variables a test daemon needs isolated, so nothing touches the real user's files.
$script:KonnektIsolatedVariables = @('HOME', 'XDG_RUNTIME_DIR', 'XDG_CONFIG_HOME', 'XDG_STATE_HOME', 'XDG_CACHE_HOME', 'TMPDIR', 'KONNEKT_ENDPOINT', 'KONNEKT_POLICY_FILE', 'KONNEKT_CLI', 'NODE_EXTRA_CA_CERTS')

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
