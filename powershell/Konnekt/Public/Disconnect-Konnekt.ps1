function Disconnect-Konnekt {
    <#
    .SYNOPSIS
    Disconnects a tenant: stops its worker after its uploads are done and unmounts its drives.
    .DESCRIPTION
    Calls tenant.disconnect. With -Forget the tenant's tokens and cached content are dropped too,
    so the next Connect-Konnekt signs in from scratch.
    .PARAMETER Name
    Short name of the tenant (as in Get-KonnektTenant). Accepts pipeline input by property name.
    .PARAMETER Forget
    Also remove the stored sign-in and the tenant's cache.
    .PARAMETER WhatIf
    Shows what would happen without disconnecting.
    .PARAMETER Confirm
    Asks for confirmation before disconnecting.
    .EXAMPLE
    Disconnect-Konnekt -Name contoso

    Disconnects the tenant contoso.
    .EXAMPLE
    Get-KonnektTenant | Disconnect-Konnekt -Forget

    Disconnects every tenant and forgets their sign-ins.
    .INPUTS
    Konnekt.Tenant, or any object with a Name property.
    .OUTPUTS
    None.
    .LINK
    Connect-Konnekt
    #>
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'Medium')]
    [OutputType([void])]
    param(
        [Parameter(Mandatory, Position = 0, ValueFromPipeline, ValueFromPipelineByPropertyName)]
        [ValidatePattern('^[a-z0-9][a-z0-9-]{0,62}$')]
        [string]$Name,

        [switch]$Forget
    )
    process {
        $action = if ($Forget) { 'Disconnect and forget sign-in and cache' } else { 'Disconnect' }
        if (-not $PSCmdlet.ShouldProcess($Name, $action)) { return }
        $params = [ordered]@{ tenant = $Name }
        if ($Forget) { $params.forget = $true }
        try {
            $null = Invoke-KonnektRpc -Method 'tenant.disconnect' -Params $params -TimeoutSeconds 300
        } catch {
            $PSCmdlet.WriteError((ConvertTo-KonnektErrorRecord -ErrorRecord $_ -TargetObject $Name))
        }
    }
}
