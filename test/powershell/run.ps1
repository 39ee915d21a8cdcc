# Runs the Konnekt module's Pester tests (Unit, Static, Integration) and prints `N passed, N failed`
# as the last line, which test/run-tests.mjs adds to its totals. Exits 1 when anything failed.
# Pester: $env:PESTER_PATH (a Pester.psd1 or the folder holding it), else the copy .ci/setup
# unpacks from NuGet.
Set-StrictMode -Version 3.0
$ErrorActionPreference = 'Stop'

$pester = $env:PESTER_PATH
if (-not $pester) {
    $pester = Join-Path -Path ([System.Environment]::GetFolderPath([System.Environment+SpecialFolder]::UserProfile)) -ChildPath '.cache/konnekt-ci/nuget/pester/5.7.1/tools/Pester.psd1'
}
if (Test-Path -LiteralPath $pester -PathType Container) { $pester = Join-Path -Path $pester -ChildPath 'Pester.psd1' }
if (-not (Test-Path -LiteralPath $pester -PathType Leaf)) {
    [Console]::Out.WriteLine("Pester not found at $pester (set PESTER_PATH)")
    [Console]::Out.WriteLine('0 passed, 1 failed')
    exit 1
}
Import-Module -Name $pester -MinimumVersion 5.0 -Force

$folders = @('Unit', 'Static', 'Integration') | ForEach-Object { Join-Path -Path $PSScriptRoot -ChildPath $_ } | Where-Object { Test-Path -LiteralPath $_ }
$config = New-PesterConfiguration
$config.Run.Path = [string[]]$folders
$config.Run.PassThru = $true
$config.Output.Verbosity = if ($env:KONNEKT_PESTER_VERBOSITY) { $env:KONNEKT_PESTER_VERBOSITY } else { 'Normal' }
if ($args.Count -gt 0) { $config.Filter.FullName = [string[]]$args }
# Cases tagged Unix assert the Unix endpoint rules (socket paths, no drive letters); Windows has
# its own rules (pipe names with the user's SID) and runs the rest.
if ($IsWindows) { $config.Filter.ExcludeTag = [string[]]@('Unix') }
$result = Invoke-Pester -Configuration $config

$failed = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
[Console]::Out.WriteLine("$($result.PassedCount) passed, $failed failed")
if ($failed -gt 0 -or $result.Result -ne 'Passed') { exit 1 }
exit 0
