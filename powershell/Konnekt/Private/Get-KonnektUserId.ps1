function Get-KonnektUserId {
    <#
    .SYNOPSIS
    The numeric real uid of this process on Linux/macOS (part of the default endpoint name).
    .DESCRIPTION
    .NET has no getuid(); /proc/self/status is read on Linux (no child process per call), `id -u`
    elsewhere. The value is cached for the session.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param()
    if ($script:KonnektUid) { return $script:KonnektUid }
    $uid = $null
    if (Test-Path -LiteralPath '/proc/self/status') {
        foreach ($line in [System.IO.File]::ReadAllLines('/proc/self/status')) {
            if ($line -match '^Uid:\s+(\d+)') { $uid = $Matches[1]; break }
        }
    }
    if (-not $uid) { $uid = (& id -u).Trim() }
    $script:KonnektUid = $uid
    return $uid
}
