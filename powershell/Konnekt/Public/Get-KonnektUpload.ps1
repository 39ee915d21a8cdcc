function Get-KonnektUpload {
    <#
    .SYNOPSIS
    Lists uploads that are queued, running, retrying or failed.
    .DESCRIPTION
    Calls upload.list. Finished uploads are not listed; failed ones stay with their error until
    the file changes again.
    .PARAMETER Tenant
    Only this tenant's uploads. Accepts pipeline input by property name.
    .PARAMETER State
    Only uploads in these states: queued, uploading, retrying, failed, conflict.
    .EXAMPLE
    Get-KonnektUpload

    Lists all pending uploads.
    .EXAMPLE
    Get-KonnektUpload -State failed | Select-Object Path, @{ n = 'Error'; e = { $_.LastError.message } }

    Shows the failed uploads and why they failed.
    .INPUTS
    Konnekt.Tenant, or objects with a Tenant or Name property.
    .OUTPUTS
    Konnekt.Upload
    .LINK
    Wait-KonnektUpload
    #>
    [CmdletBinding()]
    [OutputType('Konnekt.Upload')]
    param(
        [Parameter(Position = 0, ValueFromPipelineByPropertyName)]
        [Alias('Name')]
        [ValidatePattern('^[a-z0-9][a-z0-9-]{0,62}$')]
        [string]$Tenant,

        [ValidateSet('queued', 'uploading', 'retrying', 'failed', 'conflict')]
        [string[]]$State
    )
    process {
        $params = [ordered]@{}
        if ($Tenant) { $params.tenant = $Tenant }
        try {
            $result = Invoke-KonnektRpc -Method 'upload.list' -Params $params
        } catch {
            $PSCmdlet.WriteError((ConvertTo-KonnektErrorRecord -ErrorRecord $_ -TargetObject $Tenant))
            return
        }
        foreach ($upload in @($result.uploads)) {
            if ($null -eq $upload) { continue }
            if ($State -and $State -notcontains $upload.state) { continue }
            ConvertTo-KonnektObject -InputObject $upload -TypeName 'Konnekt.Upload'
        }
    }
}
