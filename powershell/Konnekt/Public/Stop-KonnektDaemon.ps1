function Stop-KonnektDaemon {
    <#
    .SYNOPSIS
    Stops the Konnekt daemon of the current user.
    .DESCRIPTION
    Asks the daemon to shut down (daemon.shutdown) and waits until its endpoint is gone. The daemon
    finishes running requests, lets tenant workers drain their uploads and unmounts its drives
    before it exits. Run Wait-KonnektUpload first to be sure every change reached SharePoint.
    Does nothing when the daemon is not running.
    .PARAMETER TimeoutSeconds
    How long to wait for the daemon to exit. Default 60.
    .PARAMETER WhatIf
    Shows what would happen without stopping the daemon.
    .PARAMETER Confirm
    Asks for confirmation before stopping the daemon.
    .EXAMPLE
    Stop-KonnektDaemon

    Stops the daemon.
    .EXAMPLE
    Wait-KonnektUpload -Timeout 120; Stop-KonnektDaemon

    Waits up to two minutes for pending uploads, then stops the daemon (logoff script).
    .INPUTS
    None.
    .OUTPUTS
    None.
    .LINK
    Start-KonnektDaemon
    #>
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'Medium')]
    [OutputType([void])]
    param(
        [ValidateRange(1, 3600)]
        [int]$TimeoutSeconds = 60
    )
    try {
        $running = Test-KonnektDaemonResponse
    } catch {
        $PSCmdlet.ThrowTerminatingError((ConvertTo-KonnektErrorRecord -ErrorRecord $_))
    }
    if (-not $running) {
        Write-Verbose -Message 'The Konnekt daemon is not running.'
        return
    }
    if (-not $PSCmdlet.ShouldProcess('Konnekt daemon', 'Stop')) { return }
    try {
        $null = Invoke-KonnektRpc -Method 'daemon.shutdown'
    } catch {
        if ($_.Exception.Data['KonnektCode'] -ne 'daemonUnavailable') {
            $PSCmdlet.ThrowTerminatingError((ConvertTo-KonnektErrorRecord -ErrorRecord $_))
        }
    }
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
    while (Test-KonnektDaemonResponse -TimeoutSeconds 2) {
        if ([DateTime]::UtcNow -gt $deadline) {
            $PSCmdlet.ThrowTerminatingError((ConvertTo-KonnektErrorRecord -Code 'timeout' -Message "The Konnekt daemon is still running $TimeoutSeconds seconds after it was asked to stop."))
        }
        Start-Sleep -Milliseconds 100
    }
}
