function Get-KonnektTenant {
    <#
    .SYNOPSIS
    Lists the tenants Konnekt knows, or shows one tenant's state.
    .DESCRIPTION
    Without -Name: every configured or connected tenant (tenant.list). With a name: that tenant's
    state, account, worker and counters (tenant.status). Wildcards in -Name filter the list.
    .PARAMETER Name
    Short name of the tenant; wildcards allowed. Accepts pipeline input by property name.
    .EXAMPLE
    Get-KonnektTenant

    Lists all tenants.
    .EXAMPLE
    Get-KonnektTenant -Name contoso | Format-List *

    Shows everything about the tenant contoso.
    .INPUTS
    System.String, or objects with a Name property.
    .OUTPUTS
    Konnekt.Tenant
    .LINK
    Connect-Konnekt
    #>
    [CmdletBinding()]
    [OutputType('Konnekt.Tenant')]
    param(
        [Parameter(Position = 0, ValueFromPipeline, ValueFromPipelineByPropertyName)]
        [SupportsWildcards()]
        [string]$Name
    )
    process {
        if ($Name -and -not [System.Management.Automation.WildcardPattern]::ContainsWildcardCharacters($Name)) {
            try {
                $tenant = Invoke-KonnektRpc -Method 'tenant.status' -Params @{ tenant = $Name }
            } catch {
                $PSCmdlet.WriteError((ConvertTo-KonnektErrorRecord -ErrorRecord $_ -TargetObject $Name))
                return
            }
            ConvertTo-KonnektObject -InputObject $tenant -TypeName 'Konnekt.Tenant'
            return
        }
        try {
            $result = Invoke-KonnektRpc -Method 'tenant.list'
        } catch {
            $PSCmdlet.WriteError((ConvertTo-KonnektErrorRecord -ErrorRecord $_))
            return
        }
        foreach ($tenant in @($result.tenants)) {
            if ($null -eq $tenant) { continue }
            if ($Name -and $tenant.name -notlike $Name) { continue }
            ConvertTo-KonnektObject -InputObject $tenant -TypeName 'Konnekt.Tenant'
        }
    }
}
