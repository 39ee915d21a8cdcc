function Wait-KonnektUpload {
    <#
    .SYNOPSIS
    Waits until every pending upload has reached SharePoint (for logoff scripts).
    .DESCRIPTION
    Calls upload.wait, showing progress while it waits, and returns how many uploads completed
    and failed meanwhile (Konnekt.UploadWaitResult). With -Timeout it gives up after that many
    seconds with a timeout error (category OperationTimeout), so a logoff is never held forever;
    the uploads themselves continue and resume at the next logon.
    .PARAMETER Tenant
    Only wait for this tenant's uploads. Accepts pipeline input by property name.
    .PARAMETER Path
    Only wait for uploads under this local path or namespace path.
    .PARAMETER Timeout
    Seconds to wait at most. Default: wait until done (or Ctrl+C).
    .EXAMPLE
    Wait-KonnektUpload -Timeout 120

    Waits up to two minutes for all uploads.
    .EXAMPLE
    try { Wait-KonnektUpload -Timeout 300 -ErrorAction Stop } catch { Write-Warning $_ }; Stop-KonnektDaemon

    Logoff script: waits up to five minutes, then stops the daemon either way.
    .INPUTS
    Konnekt.Tenant, or objects with a Tenant or Name property.
    .OUTPUTS
    Konnekt.UploadWaitResult
    .LINK
    Get-KonnektUpload
    .LINK
    Stop-KonnektDaemon
    #>
    [CmdletBinding()]
    [OutputType('Konnekt.UploadWaitResult')]
    param(
        [Parameter(ValueFromPipelineByPropertyName)]
        [Alias('Name')]
        [ValidatePattern('^[a-z0-9][a-z0-9-]{0,62}$')]
        [string]$Tenant,

        [Parameter(Position = 0)]
        [ValidateNotNullOrEmpty()]
        [string]$Path,

        [ValidateRange(0, 2147483)]
        [int]$Timeout
    )
    process {
        $params = [ordered]@{ progressToken = "upload-$([guid]::NewGuid().ToString('N'))" }
        if ($Tenant) { $params.tenant = $Tenant }
        if ($Path) { $params.path = Resolve-KonnektItemPath -Cmdlet $PSCmdlet -Path $Path }
        # The daemon enforces -Timeout and answers `timeout`; the transport waits a little longer
        # so that answer, not a client-side timeout, is what the user sees.
        $rpcTimeout = 0
        if ($PSBoundParameters.ContainsKey('Timeout')) {
            $params.timeoutMs = [long]$Timeout * 1000
            $rpcTimeout = $Timeout + 30
        }
        try {
            $result = Invoke-KonnektRpc -Method 'upload.wait' -Params $params -TimeoutSeconds $rpcTimeout
        } catch {
            $PSCmdlet.WriteError((ConvertTo-KonnektErrorRecord -ErrorRecord $_ -TargetObject $Tenant))
            return
        }
        ConvertTo-KonnektObject -InputObject $result -TypeName 'Konnekt.UploadWaitResult'
    }
}
