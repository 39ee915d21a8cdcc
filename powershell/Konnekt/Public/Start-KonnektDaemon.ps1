function Start-KonnektDaemon {
    <#
    .SYNOPSIS
    Starts the Konnekt daemon for the current user, if it is not running yet.
    .DESCRIPTION
    Runs `konnekt daemon --json`, which starts the daemon in the background and returns once it
    listens, then checks that the control endpoint answers. When the daemon already answers,
    nothing is started (safe to call from every logon script).
    The command is found through the KONNEKT_CLI environment variable (a path to Konnekt's cli.js,
    run with node, or to the konnekt executable), else `konnekt` on PATH. The daemon inherits this
    session's environment (KONNEKT_ENDPOINT, XDG_* directories, KONNEKT_POLICY_FILE).
    .PARAMETER TimeoutSeconds
    How long to wait for the daemon to become ready. Default 60.
    .PARAMETER PassThru
    Return the daemon's status (Konnekt.Status) once it is ready.
    .EXAMPLE
    Start-KonnektDaemon

    Starts the daemon unless it is already running.
    .EXAMPLE
    $env:KONNEKT_CLI = '/opt/konnekt/dist/daemon/cli.js'; Start-KonnektDaemon -PassThru

    Starts the daemon from a given installation and shows its status.
    .INPUTS
    None.
    .OUTPUTS
    Konnekt.Status (with -PassThru).
    .LINK
    Stop-KonnektDaemon
    .LINK
    Get-KonnektStatus
    #>
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'Low')]
    [OutputType('Konnekt.Status')]
    param(
        [ValidateRange(1, 3600)]
        [int]$TimeoutSeconds = 60,

        [switch]$PassThru
    )
    try {
        $running = Test-KonnektDaemonResponse
    } catch {
        $PSCmdlet.ThrowTerminatingError((ConvertTo-KonnektErrorRecord -ErrorRecord $_))
    }
    if ($running) {
        Write-Verbose -Message 'The Konnekt daemon is already running.'
    } else {
        try {
            $cli = Get-KonnektCli
        } catch {
            $PSCmdlet.ThrowTerminatingError((ConvertTo-KonnektErrorRecord -ErrorRecord $_))
        }
        if (-not $PSCmdlet.ShouldProcess('Konnekt daemon', 'Start')) { return }

        $arguments = @($cli.Arguments) + @('daemon', '--json')
        $quoted = foreach ($a in $arguments) { if ($a -match '[\s"]') { '"' + ($a -replace '"', '\"') + '"' } else { $a } }
        $info = [System.Diagnostics.ProcessStartInfo]::new()
        $info.FileName = $cli.FilePath
        $info.Arguments = $quoted -join ' '
        $info.UseShellExecute = $false
        $info.RedirectStandardOutput = $true
        $info.RedirectStandardError = $true
        $info.CreateNoWindow = $true
        # Not this shell's directory: the daemon outlives the shell and must not pin (or sit in)
        # a directory that may go away, such as a Konnekt mount.
        $workDir = [System.Environment]::GetFolderPath([System.Environment+SpecialFolder]::UserProfile)
        if (-not $workDir -or -not (Test-Path -LiteralPath $workDir -PathType Container)) { $workDir = [System.IO.Path]::GetTempPath() }
        $info.WorkingDirectory = $workDir
        Write-Verbose -Message "Starting $($info.FileName) $($info.Arguments)"
        try {
            $process = [System.Diagnostics.Process]::Start($info)
        } catch {
            $PSCmdlet.ThrowTerminatingError((ConvertTo-KonnektErrorRecord -Code 'daemonUnavailable' -Message "Could not run $($info.FileName): $($_.Exception.Message)"))
        }
        try {
            $stdout = $process.StandardOutput.ReadToEndAsync()
            $stderr = $process.StandardError.ReadToEndAsync()
            if (-not $process.WaitForExit($TimeoutSeconds * 1000)) {
                $process.Kill()
                $PSCmdlet.ThrowTerminatingError((ConvertTo-KonnektErrorRecord -Code 'timeout' -Message "The Konnekt daemon did not report ready within $TimeoutSeconds seconds."))
            }
            $process.WaitForExit()
            if ($process.ExitCode -ne 0) {
                $why = ($stderr.Result.Trim() -replace '^konnekt(\s+daemon)?:\s*', '')
                if (-not $why) { $why = "exit status $($process.ExitCode)" }
                $PSCmdlet.ThrowTerminatingError((ConvertTo-KonnektErrorRecord -Code 'daemonUnavailable' -Message "The Konnekt daemon did not start: $why"))
            }
            Write-Verbose -Message "Konnekt daemon: $($stdout.Result.Trim())"
        } finally {
            $process.Dispose()
        }
        # The ready line means it listens; confirm over the endpoint this session computes.
        $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
        while (-not (Test-KonnektDaemonResponse)) {
            if ([DateTime]::UtcNow -gt $deadline) {
                $PSCmdlet.ThrowTerminatingError((ConvertTo-KonnektErrorRecord -Code 'daemonUnavailable' -Message "The Konnekt daemon started but does not answer on $(Get-KonnektEndpoint). Is KONNEKT_ENDPOINT the same for the daemon and this session?"))
            }
            Start-Sleep -Milliseconds 100
        }
    }
    if ($PassThru) { Get-KonnektStatus }
}
