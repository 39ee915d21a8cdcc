function Invoke-KonnektRpc {
    <#
    .SYNOPSIS
    Calls one method on the Konnekt daemon and returns its result: the module's only transport.
    .DESCRIPTION
    Opens the control endpoint (Get-KonnektEndpoint) with NamedPipeClientStream, sends one
    JSON-RPC 2.0 request with by-name params and Content-Length framing, shows notifications that
    arrive while it waits (Invoke-KonnektNotification) and returns the `result` member.
    A failure is thrown as an ErrorRecord from ConvertTo-KonnektErrorRecord (the daemon's code and
    message); public cmdlets rebase it on themselves. One connection per request: nothing to keep
    alive between calls, and a stopped or restarted daemon never leaves a dead connection behind.
    When the caller stops waiting (timeout, Ctrl+C) the request is cancelled with $/cancelRequest.
    .PARAMETER Method
    The JSON-RPC method, e.g. 'daemon.status' (rpc-schema/konnekt.openrpc.json).
    .PARAMETER Params
    The params by name, sent as they are (a $null value is sent as JSON null: callers add only
    the params the user gave, so the schema's defaults apply to the others).
    .PARAMETER TimeoutSeconds
    How long to wait for the answer; 0 waits until it comes (or Ctrl+C).
    .EXAMPLE
    Invoke-KonnektRpc -Method 'config.get' -Params @{ key = 'logLevel' }
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory, Position = 0)]
        [string]$Method,

        [Parameter(Position = 1)]
        [System.Collections.IDictionary]$Params = @{},

        [ValidateRange(0, 2147483)]
        [double]$TimeoutSeconds = 30
    )

    $windows = Test-KonnektWindow
    $pipeName = Get-KonnektEndpoint
    $unavailable = "The Konnekt daemon is not running (no answer on $pipeName). Start it with Start-KonnektDaemon."
    # A missing socket file means no daemon: fail at once instead of retrying until the connect
    # timeout (.NET keeps retrying ENOENT).
    if (-not $windows -and $pipeName.StartsWith('/')) {
        if (-not [System.IO.File]::Exists($pipeName)) {
            throw (ConvertTo-KonnektErrorRecord -Code 'daemonUnavailable' -Message $unavailable)
        }
    }

    $script:KonnektRequestId++
    $id = $script:KonnektRequestId
    $request = [ordered]@{ jsonrpc = '2.0'; id = $id; method = $Method; params = $Params }
    $requestJson = ConvertTo-Json -InputObject $request -Depth 32 -Compress

    $options = [System.IO.Pipes.PipeOptions]::Asynchronous
    # PowerShell 7 on Unix: refuse a server that runs as another user (pipe squatting). Not on
    # Windows, where an elevated shell's token owner differs from a normal daemon's.
    if (-not $windows -and [enum]::GetNames([System.IO.Pipes.PipeOptions]) -contains 'CurrentUserOnly') {
        $options = $options -bor [System.IO.Pipes.PipeOptions]::CurrentUserOnly
    }
    $stream = [System.IO.Pipes.NamedPipeClientStream]::new('.', $pipeName, [System.IO.Pipes.PipeDirection]::InOut, $options)
    $sent = $false
    $answered = $false
    try {
        try {
            $stream.Connect($script:KonnektConnectTimeoutMs)
        } catch {
            throw (ConvertTo-KonnektErrorRecord -Code 'daemonUnavailable' -Message $unavailable)
        }
        $connection = @{
            Stream = $stream
            Buffer = [System.IO.MemoryStream]::new()
            Chunk = [byte[]]::new(65536)
            Pending = $null
        }
        $deadline = if ($TimeoutSeconds -gt 0) { [DateTime]::UtcNow.AddSeconds($TimeoutSeconds) } else { [DateTime]::MaxValue }
        try {
            Write-KonnektMessage -Stream $stream -Json $requestJson
        } catch {
            throw (ConvertTo-KonnektErrorRecord -Code 'daemonUnavailable' -Message $unavailable)
        }
        $sent = $true
        Write-Debug -Message "Konnekt -> $requestJson"
        while ($true) {
            $json = Read-KonnektMessage -Connection $connection -Deadline $deadline -Method $Method
            try {
                $message = ConvertFrom-Json -InputObject $json
            } catch {
                throw (ConvertTo-KonnektErrorRecord -Code 'protocolError' -Message 'The Konnekt daemon sent a message that is not JSON.')
            }
            $props = $message.PSObject.Properties
            if ($props['method']) {
                if ($props['id'] -and $null -ne $message.id) {
                    # A request from the daemon: this client offers no methods.
                    $reply = [ordered]@{ jsonrpc = '2.0'; id = $message.id; error = [ordered]@{ code = -32601; message = "Method not found: $($message.method)" } }
                    Write-KonnektMessage -Stream $stream -Json (ConvertTo-Json -InputObject $reply -Depth 5 -Compress)
                } else {
                    Invoke-KonnektNotification -Notification $message
                }
                continue
            }
            $messageId = if ($props['id']) { $message.id } else { $null }
            if ($null -ne $messageId -and "$messageId" -eq "$id") {
                $answered = $true
                if ($props['error'] -and $null -ne $message.error) {
                    throw (ConvertTo-KonnektErrorRecord -RpcError $message.error -Method $Method)
                }
                Write-Debug -Message "Konnekt <- $json"
                if ($props['result']) { return $message.result }
                return $null
            }
            if ($null -eq $messageId -and $props['error'] -and $null -ne $message.error) {
                # The daemon could not read our request (framing, JSON) and answers with id null.
                $answered = $true
                throw (ConvertTo-KonnektErrorRecord -RpcError $message.error -Method $Method)
            }
            Write-Verbose -Message "Konnekt: ignored a message for another request ($messageId)."
        }
    } catch [System.Management.Automation.PipelineStoppedException] {
        throw
    } catch {
        if ($_.Exception.Data.Contains('KonnektCode')) { throw }
        # I/O errors from the stream (broken pipe, reset) mean the daemon went away; anything
        # else is a bug in this module and must not be disguised as a connection problem.
        $io = $false
        for ($e = $_.Exception; $null -ne $e; $e = $e.InnerException) {
            if ($e -is [System.IO.IOException] -or $e -is [System.Net.Sockets.SocketException] -or $e -is [System.ObjectDisposedException]) { $io = $true }
        }
        if ($io) {
            throw (ConvertTo-KonnektErrorRecord -Code 'daemonUnavailable' -Message "Lost the connection to the Konnekt daemon: $($_.Exception.Message)")
        }
        throw (ConvertTo-KonnektErrorRecord -Code 'internal' -Message "Konnekt module error while calling ${Method}: $($_.Exception.Message)")
    } finally {
        if ($sent -and -not $answered -and $stream.IsConnected) {
            try {
                $cancel = [ordered]@{ jsonrpc = '2.0'; method = '$/cancelRequest'; params = [ordered]@{ id = $id } }
                Write-KonnektMessage -Stream $stream -Json (ConvertTo-Json -InputObject $cancel -Depth 5 -Compress)
            } catch {
                Write-Verbose -Message 'Konnekt: could not send $/cancelRequest; the daemon sees the connection close instead.'
            }
        }
        $stream.Dispose()
    }
}
