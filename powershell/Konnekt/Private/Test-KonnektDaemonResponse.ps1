function Test-KonnektDaemonResponse {
    <#
    .SYNOPSIS
    True when the daemon answers on the endpoint (daemon.version), false when nobody listens.
    Other failures (a protocol problem) are thrown: they are not "not running".
    #>
    [CmdletBinding()]
    [OutputType([bool])]
    param(
        [double]$TimeoutSeconds = 10
    )
    try {
        $null = Invoke-KonnektRpc -Method 'daemon.version' -TimeoutSeconds $TimeoutSeconds
        return $true
    } catch {
        if ($_.Exception.Data['KonnektCode'] -eq 'daemonUnavailable') { return $false }
        throw
    }
}
