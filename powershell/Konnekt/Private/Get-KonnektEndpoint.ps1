function Get-KonnektEndpoint {
    <#
    .SYNOPSIS
    The pipe name of the daemon's control endpoint, by the one rule of docs/rpc.md section 1.
    .DESCRIPTION
    1. KONNEKT_ENDPOINT, verbatim (an absolute socket path; .NET uses a rooted pipe name as the
       socket path as it is).
    2. Linux/macOS: $XDG_RUNTIME_DIR/konnekt/konnekt.sock when XDG_RUNTIME_DIR is absolute.
    3. Otherwise ${TMPDIR:-/tmp}/CoreFxPipe_konnekt-<uid>, the path .NET derives from the pipe
       name konnekt-<uid>. It is computed here from TMPDIR (as the daemon does) and passed as a
       rooted name, because .NET computes its pipe directory once per process: a session whose
       TMPDIR changed would otherwise look in the old place. On Windows: the pipe
       konnekt-<user SID> (\\.\pipe\konnekt-<SID>), so no other user's name can collide.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param()
    $windows = Test-KonnektWindow
    if ($env:KONNEKT_ENDPOINT) {
        $endpoint = $env:KONNEKT_ENDPOINT
        # NamedPipeClientStream wants the bare name on Windows, not the \\.\pipe\ form.
        if ($windows -and $endpoint -match '^\\\\\.\\pipe\\(.+)$') { $endpoint = $Matches[1] }
        return $endpoint
    }
    if ($windows) { return "konnekt-$([System.Security.Principal.WindowsIdentity]::GetCurrent().User.Value)" }
    $runtime = $env:XDG_RUNTIME_DIR
    if ($runtime -and $runtime.StartsWith('/')) {
        return ($runtime.TrimEnd('/') + '/konnekt/konnekt.sock')
    }
    $tmp = $env:TMPDIR
    $tmp = if ($tmp) { $tmp.TrimEnd('/') } else { '/tmp' }
    if (-not $tmp) { $tmp = '/' }
    return ($tmp.TrimEnd('/') + "/CoreFxPipe_konnekt-$(Get-KonnektUserId)")
}
